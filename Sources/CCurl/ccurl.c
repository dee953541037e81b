// Run-time binding to libcurl: see include/CCurl.h. Only documented, ABI-stable entry points are used.
#include "CCurl.h"

#include <stdio.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#define CCURL_OPEN(name) ((void *)LoadLibraryA(name))
#define CCURL_SYMBOL(library, name) ((void *)GetProcAddress((HMODULE)(library), name))
static const char *const library_names[] = {"libcurl.dll", "libcurl-x64.dll", NULL};
#else
#include <dlfcn.h>
#define CCURL_OPEN(name) dlopen(name, RTLD_LAZY | RTLD_LOCAL)
#define CCURL_SYMBOL(library, name) dlsym(library, name)
#ifdef __APPLE__
static const char *const library_names[] = {"libcurl.4.dylib", "/usr/lib/libcurl.4.dylib", "libcurl.dylib", NULL};
#else
static const char *const library_names[] = {"libcurl.so.4", "libcurl.so", NULL};
#endif
#endif

// curl_global_init's CURL_GLOBAL_ALL (CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32).
#define CCURL_GLOBAL_ALL 3L

// The library's own signatures. setopt and getinfo are variadic there; they are only ever called below with
// exactly one argument of the type the option number's range implies (long, pointer, curl_off_t, function).
static int (*p_global_init)(long flags);
static void *(*p_easy_init)(void);
static void (*p_easy_cleanup)(void *);
static void (*p_easy_reset)(void *);
static int (*p_easy_perform)(void *);
static const char *(*p_easy_strerror)(int);
static int (*p_easy_setopt)(void *, int, ...);
static int (*p_easy_getinfo)(void *, int, ...);
static void *(*p_slist_append)(void *, const char *);
static void (*p_slist_free_all)(void *);

static int load_result = -1;  // -1 not tried, 0 loaded, 1 failed
static char load_error[512];

static void *resolve(void *library, const char *name, int *missing) {
    void *symbol = CCURL_SYMBOL(library, name);
    if (symbol == NULL && *missing == 0) {
        *missing = 1;
        snprintf(load_error, sizeof load_error, "the loaded libcurl has no function %s", name);
    }
    return symbol;
}

int ccurl_load(const char *path, char *error, size_t error_size) {
    if (load_result == -1) {
        void *library = NULL;
        if (path != NULL) {
            library = CCURL_OPEN(path);
        } else {
            for (const char *const *name = library_names; *name != NULL && library == NULL; name++) {
                library = CCURL_OPEN(*name);
            }
        }
        if (library == NULL) {
            snprintf(load_error, sizeof load_error, "could not load %s", path != NULL ? path : library_names[0]);
            load_result = 1;
        } else {
            int missing = 0;
            *(void **)&p_global_init = resolve(library, "curl_global_init", &missing);
            *(void **)&p_easy_init = resolve(library, "curl_easy_init", &missing);
            *(void **)&p_easy_cleanup = resolve(library, "curl_easy_cleanup", &missing);
            *(void **)&p_easy_reset = resolve(library, "curl_easy_reset", &missing);
            *(void **)&p_easy_perform = resolve(library, "curl_easy_perform", &missing);
            *(void **)&p_easy_strerror = resolve(library, "curl_easy_strerror", &missing);
            *(void **)&p_easy_setopt = resolve(library, "curl_easy_setopt", &missing);
            *(void **)&p_easy_getinfo = resolve(library, "curl_easy_getinfo", &missing);
            *(void **)&p_slist_append = resolve(library, "curl_slist_append", &missing);
            *(void **)&p_slist_free_all = resolve(library, "curl_slist_free_all", &missing);
            if (missing) {
                load_result = 1;
            } else if (p_global_init(CCURL_GLOBAL_ALL) != 0) {
                snprintf(load_error, sizeof load_error, "curl_global_init failed");
                load_result = 1;
            } else {
                load_result = 0;
            }
        }
    }
    if (load_result != 0 && error != NULL && error_size > 0) {
        snprintf(error, error_size, "%s", load_error);
    }
    return load_result;
}

ccurl_handle *ccurl_easy_init(void) { return (ccurl_handle *)p_easy_init(); }
void ccurl_easy_cleanup(ccurl_handle *handle) { p_easy_cleanup(handle); }
void ccurl_easy_reset(ccurl_handle *handle) { p_easy_reset(handle); }
int ccurl_easy_perform(ccurl_handle *handle) { return p_easy_perform(handle); }
const char *ccurl_easy_strerror(int code) { return p_easy_strerror(code); }

int ccurl_setopt_long(ccurl_handle *handle, int option, long value) { return p_easy_setopt(handle, option, value); }
int ccurl_setopt_offset(ccurl_handle *handle, int option, ccurl_off_t value) { return p_easy_setopt(handle, option, value); }
int ccurl_setopt_pointer(ccurl_handle *handle, int option, const void *value) { return p_easy_setopt(handle, option, value); }
int ccurl_setopt_data_callback(ccurl_handle *handle, int option, ccurl_data_callback callback) {
    return p_easy_setopt(handle, option, callback);
}
int ccurl_setopt_seek_callback(ccurl_handle *handle, int option, ccurl_seek_callback callback) {
    return p_easy_setopt(handle, option, callback);
}
int ccurl_setopt_progress_callback(ccurl_handle *handle, int option, ccurl_progress_callback callback) {
    return p_easy_setopt(handle, option, callback);
}

int ccurl_getinfo_long(ccurl_handle *handle, int info, long *value) { return p_easy_getinfo(handle, info, value); }

ccurl_slist *ccurl_slist_append(ccurl_slist *list, const char *line) {
    return (ccurl_slist *)p_slist_append(list, line);
}
void ccurl_slist_free_all(ccurl_slist *list) { p_slist_free_all(list); }
