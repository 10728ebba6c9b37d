#!/usr/bin/env bash
# packaging/netdiskd.service passes `systemd-analyze verify` without a word: the unit as
# shipped, with only ExecStart pointed at the build's netdiskd (verify wants the binary to
# exist) and the man pages its Documentation= names found in the source tree's docs/man.
# The installed unit is verified again, as it is, by the install test.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing: scripts/deps.sh installs systemd"
[[ -x $bin_dir/netdiskd ]] || fail "no $bin_dir/netdiskd: build it first"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

unit="$work/netdiskd.service"
sed "s#^ExecStart=/usr/bin/netdiskd #ExecStart=$bin_dir/netdiskd #" \
  "$source_dir/packaging/netdiskd.service" >"$unit"
grep -q "^ExecStart=$bin_dir/netdiskd --config /etc/netdisk/netdiskd.toml$" "$unit" ||
  fail "the unit's ExecStart is not /usr/bin/netdiskd --config /etc/netdisk/netdiskd.toml"
mkdir -p "$work/man/man8" "$work/man/man1"
cp "$source_dir/docs/man/netdiskd.8" "$work/man/man8/"
cp "$source_dir/docs/man/netdisk.1" "$work/man/man1/"

output=$(MANPATH="$work/man" systemd-analyze verify "$unit" 2>&1) ||
  fail "systemd-analyze verify failed: $output"
[[ -z $output ]] || fail "systemd-analyze verify says: $output"

# The example drop-in for a port under 1024 is a valid drop-in for this unit (verify reads the
# drop-in folder beside the unit file).
mkdir -p "$work/netdiskd.service.d"
cp "$source_dir/packaging/low-port.conf" "$work/netdiskd.service.d/"
output=$(MANPATH="$work/man" systemd-analyze verify "$unit" 2>&1) ||
  fail "systemd-analyze verify with the low-port drop-in failed: $output"
[[ -z $output ]] || fail "systemd-analyze verify with the low-port drop-in says: $output"
echo "PASS: systemd-analyze verify is clean, with and without the low-port drop-in"
