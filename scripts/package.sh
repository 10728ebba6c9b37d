#!/usr/bin/env bash
# Builds the Debian package netdisk_<version>_amd64.deb from the binaries of an existing build
# folder (docs/PACKAGING.md). It builds only the netdiskd and netdisk targets there (never the
# tests), installs the project's install() rules with `cmake --install --prefix /usr --strip`
# into a staging folder (the build's own binaries keep their symbols), adds the maintainer
# scripts and a control file whose Depends come from dpkg-shlibdeps, and prints the package's path.
# Usage: scripts/package.sh            NETDISK_BUILD_DIR  build folder (default build)
#                                       NETDISK_PACKAGE_DIR output folder (default <build>/package)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${NETDISK_BUILD_DIR:-build}
[[ "$build_dir" == /* ]] || build_dir="$root/$build_dir"
out_dir=${NETDISK_PACKAGE_DIR:-$build_dir/package}
[[ "$out_dir" == /* ]] || out_dir="$PWD/$out_dir"

version=$(sed -n 's/.*kNetdiskVersion = "\([^"]*\)".*/\1/p' "$root/src/server/version.h")
changelog_version=$(sed -n '1s/^netdisk (\([^)]*\)).*/\1/p' "$root/packaging/debian/changelog")
if [[ -z "$version" || "$version" != "$changelog_version" ]]; then
  echo "package.sh: version.h says '$version' but packaging/debian/changelog says" \
       "'$changelog_version': add a changelog entry for the new version" >&2
  exit 1
fi
arch=$(dpkg --print-architecture)

# A build folder of its own is configured without the tests and benchmarks; an existing one
# (the test suite's, for instance) is used as it is.
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNETDISK_BUILD_TESTS=OFF -DNETDISK_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build_dir" --target netdiskd netdisk >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/netdisk-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
stage="$work/root"
DESTDIR="$stage" cmake --install "$build_dir" --prefix /usr --strip >/dev/null

# Debian wants man pages and the changelog compressed, reproducibly (no name, no time), and
# binaries without the sections dh_strip removes too.
find "$stage/usr/share/man" -type f ! -name '*.gz' -exec gzip -9n {} +
gzip -9n "$stage/usr/share/doc/netdisk/changelog"
strip --remove-section=.comment --remove-section=.note "$stage/usr/bin/netdiskd" \
  "$stage/usr/bin/netdisk"

# dpkg-shlibdeps reads debian/control from the current folder; an empty one will do.
mkdir -p "$work/shlibdeps/debian"
touch "$work/shlibdeps/debian/control"
shlib_depends=$(cd "$work/shlibdeps" &&
  dpkg-shlibdeps -O "$stage/usr/bin/netdiskd" "$stage/usr/bin/netdisk" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')

mkdir -p "$stage/DEBIAN"
install -m 0755 "$root/packaging/debian/postinst" "$root/packaging/debian/prerm" \
  "$root/packaging/debian/postrm" "$stage/DEBIAN/"
install -m 0644 "$root/packaging/debian/conffiles" "$stage/DEBIAN/"
installed_size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
  -e "s/@DEPENDS@/adduser, $shlib_depends/" "$root/packaging/debian/control.in" \
  > "$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
  xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums"

mkdir -p "$out_dir"
deb="$out_dir/netdisk_${version}_${arch}.deb"
dpkg-deb --build --root-owner-group -Zxz "$stage" "$deb" >/dev/null
echo "$deb"
