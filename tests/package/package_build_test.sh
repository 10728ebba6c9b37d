#!/usr/bin/env bash
# The package builds with scripts/package.sh from the test build's binaries, holds what
# docs/PACKAGING.md says it holds, and lintian reports no error on it (any "E:" line fails).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v lintian >/dev/null || fail "lintian is missing: scripts/deps.sh installs it"
out_dir="$build_dir/package"
rm -f "$out_dir"/netdisk_*.deb
deb=$(NETDISK_BUILD_DIR="$build_dir" NETDISK_PACKAGE_DIR="$out_dir" "$source_dir/scripts/package.sh")
version=$(sed -n 's/.*kNetdiskVersion = "\([^"]*\)".*/\1/p' "$source_dir/src/server/version.h")
[[ $deb == "$out_dir/netdisk_${version}_amd64.deb" && -f $deb ]] ||
  fail "package.sh printed '$deb', not the path of netdisk_${version}_amd64.deb"

[[ $(dpkg-deb -f "$deb" Package) == netdisk ]] || fail "the package is not named netdisk"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] || fail "the version is not version.h's"
depends=$(dpkg-deb -f "$deb" Depends)
for needed in adduser libc6 libssl3 libsodium23; do
  [[ $depends == *"$needed"* ]] || fail "Depends lacks $needed: $depends"
done

contents=$(dpkg-deb -c "$deb" | awk '{print $1, $2, $6}')
expect() {
  grep -qxF -- "$1" <<<"$contents" || fail "the package lacks '$1'; it holds:
$contents"
}
expect "-rwxr-xr-x root/root ./usr/bin/netdiskd"
expect "-rwxr-xr-x root/root ./usr/bin/netdisk"
expect "-rw-r--r-- root/root ./etc/netdisk/netdiskd.toml"
expect "-rw-r--r-- root/root ./lib/systemd/system/netdiskd.service"
expect "-rw-r--r-- root/root ./usr/share/man/man8/netdiskd.8.gz"
expect "-rw-r--r-- root/root ./usr/share/man/man1/netdisk.1.gz"
expect "-rw-r--r-- root/root ./usr/share/bash-completion/completions/netdisk"
expect "-rw-r--r-- root/root ./usr/share/doc/netdisk/copyright"
expect "-rw-r--r-- root/root ./usr/share/doc/netdisk/changelog.gz"
expect "-rw-r--r-- root/root ./usr/share/doc/netdisk/examples/low-port.conf"
if grep -q 'var/lib/netdisk' <<<"$contents"; then
  fail "the data folder is a file of the package (dpkg would remove it); postinst makes it"
fi
dpkg-deb -I "$deb" conffiles | grep -qx /etc/netdisk/netdiskd.toml ||
  fail "/etc/netdisk/netdiskd.toml is not a conffile"

# The packaged binaries are stripped; the build's own keep their symbols.
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
for binary in netdiskd netdisk; do
  file_says=$(file -b "$unpacked/usr/bin/$binary")
  [[ $file_says == *", stripped"* ]] || fail "/usr/bin/$binary is not stripped: $file_says"
  [[ $(file -b "$bin_dir/$binary") == *"not stripped"* ]] || fail "the build's $binary was stripped"
done

report=$(lintian --no-cfg "$deb" 2>&1 || true)
echo "$report"
if grep -q '^E:' <<<"$report"; then fail "lintian reports errors"; fi
echo "PASS: $deb builds, holds the expected files, and lintian reports no error"
