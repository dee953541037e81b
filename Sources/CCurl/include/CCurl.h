// The few libcurl functions the connector uses, loaded at run time with dlopen so that the build needs no curl
// headers and the binary links no curl library: a machine without libcurl still runs every command that makes no
// HTTP request, and says which package to install for the others.
//
// curl_easy_setopt and curl_easy_getinfo are variadic; Swift must never call a variadic C function through a
// pointer, so each value type gets a fixed-signature wrapper here.
#ifndef CCURL_H
#define CCURL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An easy handle (CURL *) and a header list (struct curl_slist *), opaque to Swift.
typedef struct ccurl_handle ccurl_handle;
typedef struct ccurl_slist ccurl_slist;

/// curl_off_t is a 64-bit signed integer on every platform libcurl supports.
typedef int64_t ccurl_off_t;

/// Callback types, as libcurl declares them.
typedef size_t (*ccurl_data_callback)(char *buffer, size_t size, size_t count, void *context);
typedef int (*ccurl_seek_callback)(void *context, ccurl_off_t offset, int origin);
typedef int (*ccurl_progress_callback)(void *context, ccurl_off_t download_total, ccurl_off_t downloaded,
                                       ccurl_off_t upload_total, ccurl_off_t uploaded);

/// Loads the library once (later calls return the first result) and runs curl_global_init: `path` when it is not
/// NULL, else the platform's usual names. Returns 0 on success; otherwise writes why into `error` (NUL-terminated,
/// at most `error_size` bytes). Not thread-safe: the caller loads once, before any transfer.
int ccurl_load(const char *path, char *error, size_t error_size);

ccurl_handle *ccurl_easy_init(void);
void ccurl_easy_cleanup(ccurl_handle *handle);
/// Forgets every option but keeps the handle's open connections, DNS and TLS session caches.
void ccurl_easy_reset(ccurl_handle *handle);
int ccurl_easy_perform(ccurl_handle *handle);
const char *ccurl_easy_strerror(int code);

int ccurl_setopt_long(ccurl_handle *handle, int option, long value);
int ccurl_setopt_offset(ccurl_handle *handle, int option, ccurl_off_t value);
/// For string, list and context options (libcurl copies strings; a list must outlive the transfer).
int ccurl_setopt_pointer(ccurl_handle *handle, int option, const void *value);
int ccurl_setopt_data_callback(ccurl_handle *handle, int option, ccurl_data_callback callback);
int ccurl_setopt_seek_callback(ccurl_handle *handle, int option, ccurl_seek_callback callback);
int ccurl_setopt_progress_callback(ccurl_handle *handle, int option, ccurl_progress_callback callback);

int ccurl_getinfo_long(ccurl_handle *handle, int info, long *value);

ccurl_slist *ccurl_slist_append(ccurl_slist *list, const char *line);
void ccurl_slist_free_all(ccurl_slist *list);

#ifdef __cplusplus
}
#endif

#endif
