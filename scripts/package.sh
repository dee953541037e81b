#!/usr/bin/env bash
# Builds the release package: dist/connector-<version>-<os>-<arch>.tar.gz
#
# The tarball holds one folder, connector-<version>-<os>-<arch>/, ready to become an install directory:
#   connector              the executable, Swift runtime linked in (--static-swift-stdlib)
#   Connector.config       a commented example (packaging/Connector.config)
#   templates/             the example templates (templates/*.json)
#   connector-sync.service a systemd unit for `connector sync` (packaging/connector-sync.service)
#   INSTALL.txt            what to do with it (packaging/INSTALL.txt)
#
# Usage:
#   scripts/package.sh                 release build with the Swift runtime linked statically, then pack
#   STATIC=0 scripts/package.sh        the same build without --static-swift-stdlib: the binary then needs the Swift
#                                      toolchain's libraries at run time. Only for trying the packing itself; the
#                                      tarball's name ends in -dynamic so it is never mistaken for a release, and
#                                      scripts/check-package.sh rejects it.
#   SCRATCH=DIR scripts/package.sh     build in DIR instead of .build-package (the normal .build stays untouched)
#
# Then scripts/check-package.sh unpacks the tarball into an empty folder and tries it.
# The build runs under `flock /tmp/swift-build.lock` when flock exists, so it never competes with another build on
# this machine. The last line printed is the tarball's path.
set -euo pipefail
cd "$(dirname "$0")/.."

static="${STATIC:-1}"
scratch="${SCRATCH:-.build-package}"

if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then
        export PATH="/opt/swift/usr/bin:$PATH"
    else
        echo "package: no Swift toolchain found (expected swift on PATH or /opt/swift/usr/bin/swift)." >&2
        exit 1
    fi
fi

build=(swift build -c release --product connector --scratch-path "$scratch")
if [ "$static" != "0" ]; then
    build+=(--static-swift-stdlib)
fi
if command -v flock >/dev/null 2>&1; then
    build=(flock /tmp/swift-build.lock "${build[@]}")
fi

echo "package: ${build[*]}"
if ! "${build[@]}"; then
    echo "package: the release build failed." >&2
    if [ "$static" != "0" ]; then
        echo "package: if the linker names curl_* symbols, the build still links FoundationNetworking, which" \
             "cannot be linked statically; the libcurl transport (loaded at run time) removes it." >&2
    fi
    exit 1
fi
binary="$scratch/release/connector"

# The version is what the binary says of itself: "connector 1.0.0".
version_line="$("$binary" --version)"
version="${version_line#connector }"
if [ -z "$version" ] || [ "$version" = "$version_line" ]; then
    echo "package: cannot read the version from \"$version_line\" ($binary --version)." >&2
    exit 1
fi

os="$(uname -s | tr '[:upper:]' '[:lower:]')"
arch="$(uname -m)"
name="connector-$version-$os-$arch"
if [ "$static" = "0" ]; then
    name="$name-dynamic"
fi

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
folder="$staging/$name"
mkdir -p "$folder/templates"

install -m 755 "$binary" "$folder/connector"
install -m 644 packaging/Connector.config "$folder/Connector.config"
install -m 644 packaging/INSTALL.txt "$folder/INSTALL.txt"
install -m 644 packaging/connector-sync.service "$folder/connector-sync.service"
install -m 644 templates/*.json "$folder/templates/"

mkdir -p dist
tarball="dist/$name.tar.gz"
# Owner and group 0, sorted names: the same inputs give the same listing on any build machine.
tar -C "$staging" --owner=0 --group=0 --numeric-owner --sort=name -czf "$tarball" "$name"

echo "package: $(du -h "$tarball" | cut -f1) $(tar -tzf "$tarball" | wc -l) entries"
tar -tzvf "$tarball"
echo "$tarball"
