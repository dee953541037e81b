#!/usr/bin/env bash
# Tries a release package the way a new install would use it: unpacks the tarball into an empty temporary folder and,
# from there, with no Swift toolchain on PATH,
#   1. checks the folder holds connector, Connector.config, INSTALL.txt and templates/*.json;
#   2. asserts with ldd that the binary needs no Swift runtime (libswiftCore, libswift_*, libdispatch,
#      libBlocksRuntime) and no Foundation library (libFoundation*, lib_FoundationICU): it was linked with
#      --static-swift-stdlib;
#   3. runs `connector --version` (and compares it with the tarball's name), `connector templates --home <folder>`
#      (every example template must validate against the packaged Connector.config) and `connector demo`.
# Every failure is printed as one line starting with "check-package: FAILED"; the exit code is 1 if any step failed.
#
# Usage:
#   scripts/check-package.sh [dist/connector-<version>-<os>-<arch>.tar.gz]
# Without an argument it checks the newest dist/connector-*.tar.gz. A STATIC=0 package (name ending in -dynamic)
# runs here when this machine has the toolchain, but fails step 2, as it should.
set -euo pipefail
cd "$(dirname "$0")/.."

tarball="${1:-}"
if [ -z "$tarball" ]; then
    # shellcheck disable=SC2012  # the names are package.sh's own: no blanks or line breaks
    tarball="$(ls -t dist/connector-*.tar.gz 2>/dev/null | head -n 1 || true)"
    if [ -z "$tarball" ]; then
        echo "check-package: no dist/connector-*.tar.gz; run scripts/package.sh first." >&2
        exit 1
    fi
fi
if [ ! -f "$tarball" ]; then
    echo "check-package: $tarball does not exist." >&2
    exit 1
fi
tarball="$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")"
name="$(basename "$tarball" .tar.gz)"
echo "check-package: $tarball"

failures=0
# Prints its input with each line's leading blanks replaced by the prefix given.
indent() {
    sed "s/^[[:space:]]*/$1/"
}
fail() {
    echo "check-package: FAILED $*" >&2
    failures=$((failures + 1))
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/unpacked" "$work/cwd"
tar -xzf "$tarball" -C "$work/unpacked"
home="$work/unpacked/$name"
binary="$home/connector"

# 1. What the folder must hold.
if [ ! -d "$home" ]; then
    echo "check-package: FAILED the tarball does not hold one folder named $name; it holds:" >&2
    ls -A "$work/unpacked" >&2
    exit 1
fi
for file in connector Connector.config INSTALL.txt; do
    [ -f "$home/$file" ] || fail "the package has no $file"
done
[ -x "$binary" ] || { fail "the package's connector is not executable"; exit 1; }
if ! ls "$home"/templates/*.json >/dev/null 2>&1; then
    fail "the package has no templates/*.json"
fi

# 2. No Swift runtime and no Foundation among the shared libraries the binary needs.
if ! libraries="$(ldd "$binary" 2>&1)"; then
    # glibc's ldd exits 1 for a binary without dynamic dependencies at all ("not a dynamic executable").
    case "$libraries" in
        *"not a dynamic executable"* | *"statically linked"*) libraries="" ;;
        *) fail "ldd could not read $binary: $libraries" ;;
    esac
fi
echo "check-package: ldd connector:"
printf '%s\n' "${libraries:-(no shared libraries)}" | indent '  '
forbidden="$(echo "$libraries" | grep -E 'libswift|libdispatch|libBlocksRuntime|libFoundation|lib_Foundation' || true)"
if [ -n "$forbidden" ]; then
    fail "the binary needs the Swift runtime or Foundation at run time (it was not linked with" \
         "--static-swift-stdlib, or still links FoundationNetworking):"
    printf '%s\n' "$forbidden" | indent '    ' >&2
fi
missing="$(echo "$libraries" | grep 'not found' || true)"
if [ -n "$missing" ]; then
    fail "libraries the binary needs are missing on this machine:"
    printf '%s\n' "$missing" | indent '    ' >&2
fi

# 3. Run it from an empty working directory, with a bare environment: no toolchain on PATH, no CONNECTOR_HOME.
run() {
    (cd "$work/cwd" && env -i PATH=/usr/bin:/bin HOME="$work" LANG=C.UTF-8 "$binary" "$@")
}

if version_line="$(run --version 2>&1)"; then
    echo "check-package: connector --version: $version_line"
    version="${version_line#connector }"
    case "$name" in
        "connector-$version-"*) ;;
        *) fail "--version says \"$version_line\", but the package is named $name" ;;
    esac
else
    fail "connector --version exited non-zero: $version_line"
fi

if templates_output="$(run templates --home "$home" 2>&1)"; then
    echo "check-package: connector templates --home <package>:"
    printf '%s\n' "$templates_output" | indent '  '
    if ! echo "$templates_output" | grep -q ' valid'; then
        fail "connector templates listed no valid template"
    fi
else
    fail "connector templates --home <package> exited non-zero:"
    printf '%s\n' "$templates_output" | indent '    ' >&2
fi

if demo_output="$(run demo 2>&1)"; then
    echo "check-package: connector demo: $(echo "$demo_output" | tail -n 1)"
else
    fail "connector demo exited non-zero; its last lines:"
    printf '%s\n' "$demo_output" | tail -n 20 | indent '    ' >&2
fi

if [ "$failures" -gt 0 ]; then
    echo "check-package: $failures check(s) failed for $name." >&2
    exit 1
fi
echo "check-package: $name is self-contained and runs from an empty folder."
