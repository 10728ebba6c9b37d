#!/usr/bin/env bash
# The unit's overall exposure, as `systemd-analyze security` rates it offline (0 best, 10
# worst), is 2.0 or lower; prints the figure. Usage: unit_exposure.sh [UNIT_FILE]
# (default: packaging/netdiskd.service of this source tree).
set -euo pipefail

unit=${1:-$(cd "$(dirname "$0")/../.." && pwd)/packaging/netdiskd.service}
command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze is missing" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# --offline reads the unit from a file named after it.
cp "$unit" "$work/netdiskd.service"
# --threshold=20 makes the command fail above 2.0 itself; the figure is also parsed, so that a
# systemd that ignored the threshold could not pass a worse unit.
set +e
report=$(cd "$work" && systemd-analyze security --offline=true --threshold=20 --no-pager \
  netdiskd.service 2>&1)
status=$?
set -e
exposure=$(sed -n 's/.*Overall exposure level for netdiskd.service: \([0-9.]*\).*/\1/p' <<<"$report")
[[ -n $exposure ]] || { echo "FAIL: no overall exposure in: $report" >&2; exit 1; }
echo "netdiskd.service exposure: $exposure (at most 2.0 allowed)"
if ((status != 0)) || ! awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'; then
  grep '✗' <<<"$report" >&2 || true
  echo "FAIL: netdiskd.service exposure $exposure is above 2.0 (status $status)" >&2
  exit 1
fi
echo "PASS: exposure $exposure <= 2.0"
