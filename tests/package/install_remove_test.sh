#!/usr/bin/env bash
# Installing the package with dpkg -i, then dpkg -r and dpkg -P, leaves the system as it was,
# except a /var/lib/netdisk holding a user's file, which purge keeps (and an empty one, which
# purge removes). While installed, the shipped configuration starts the installed netdiskd as
# the netdisk user, a user registers and uploads through the installed client, and the file
# lands under /var/lib/netdisk owned by netdisk. Needs root (CI's throw-away machine); the
# machine is restored by a trap even when a check fails.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[[ $(id -u) -eq 0 ]] || skip "dpkg -i needs root; run the suite as root on a throw-away machine"
deb=$(ls "$build_dir"/package/netdisk_*_amd64.deb 2>/dev/null | head -n1)
[[ -f $deb ]] || fail "no package in $build_dir/package (the package_build test makes it)"
# Never touch a NetDisk this machine really has.
if dpkg-query -W -f='${Status}' netdisk 2>/dev/null | grep -q installed ||
  getent passwd netdisk >/dev/null || getent group netdisk >/dev/null ||
  [[ -e /var/lib/netdisk || -e /etc/netdisk ]]; then
  skip "this machine already has a netdisk package, user, /etc/netdisk or /var/lib/netdisk"
fi

work=$(mktemp -d)
server_pid=""
restore() {
  stop_server
  dpkg -P netdisk >/dev/null 2>&1 || true
  # Whatever a failed purge left: none of it existed before the test (checked above).
  rm -rf /var/lib/netdisk /etc/netdisk
  getent passwd netdisk >/dev/null && userdel netdisk
  getent group netdisk >/dev/null && groupdel netdisk
  rm -rf "$work"
}
trap restore EXIT

# What the package may change: accounts, dpkg's record, its files, the unit's enablement links.
snapshot() {
  cut -d: -f1 /etc/passwd | sort
  echo "-- group"; cut -d: -f1 /etc/group | sort
  echo "-- shadow"; cut -d: -f1 /etc/shadow | sort
  echo "-- gshadow"; cut -d: -f1 /etc/gshadow | sort
  echo "-- dpkg"; { dpkg -l netdisk 2>&1 || true; } | tail -n1
  echo "-- files"
  ls -ld /etc/netdisk /etc/netdisk/* /usr/bin/netdisk* /lib/systemd/system/netdiskd.service \
    /usr/share/man/man8/netdiskd.8.gz /usr/share/man/man1/netdisk.1.gz \
    /usr/share/bash-completion/completions/netdisk /usr/share/doc/netdisk /var/lib/netdisk 2>&1 ||
    true
  echo "-- units"
  find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled \
    /var/lib/systemd/deb-systemd-helper-masked -name '*netdiskd*' 2>/dev/null | sort || true
}
snapshot >"$work/before"
same_as_before() {
  snapshot >"$work/after"
  diff -u "$work/before" "$work/after" || fail "$1: the system is not as it was (diff above)"
}

dpkg -i "$deb" >"$work/install.log" 2>&1 || fail "dpkg -i failed: $(cat "$work/install.log")"

# The user, the data folder, the conffile, the enabled unit.
IFS=: read -r _ _ uid _ _ home shell < <(getent passwd netdisk)
((uid < 1000)) || fail "netdisk is not a system user (uid $uid)"
[[ $home == /var/lib/netdisk && $shell == /usr/sbin/nologin ]] ||
  fail "netdisk's home is $home and shell $shell"
[[ $(stat -c '%a %U %G' /var/lib/netdisk) == "750 netdisk netdisk" ]] ||
  fail "/var/lib/netdisk is $(stat -c '%a %U %G' /var/lib/netdisk)"
dpkg-query -W -f='${Conffiles}' netdisk | grep -q '/etc/netdisk/netdiskd.toml' ||
  fail "/etc/netdisk/netdiskd.toml is not registered as a conffile"
[[ -L /etc/systemd/system/multi-user.target.wants/netdiskd.service ]] ||
  fail "postinst did not enable netdiskd.service"
verify=$(systemd-analyze verify /lib/systemd/system/netdiskd.service 2>&1) ||
  fail "systemd-analyze verify of the installed unit: $verify"
[[ -z $verify ]] || fail "systemd-analyze verify of the installed unit says: $verify"

# The installed server, from the shipped configuration, as the netdisk user (systemd does not
# run here, so setpriv does what User= and Group= would), on ephemeral loopback ports.
port_dir="$work/ports"
chmod 0711 "$work"  # netdisk may pass through to its own port folder, and read nothing else
install -d -o netdisk -g netdisk -m 0700 "$port_dir"
start_server "$work/server.log" "$port_dir" \
  setpriv --reuid=netdisk --regid=netdisk --init-groups \
  /usr/bin/netdiskd --config /etc/netdisk/netdiskd.toml \
  --listen 127.0.0.1:0 --http 127.0.0.1:0 --https 127.0.0.1:0 \
  --port-file "$port_dir/tcp" --http-port-file "$port_dir/http"
[[ $(stat -c %U "/proc/$server_pid") == netdisk ]] || fail "the server does not run as netdisk"

client_home="$work/client"
mkdir -p "$client_home"
client() {
  HOME="$client_home" XDG_CONFIG_HOME="$client_home/.config" NETDISK_PASSWORD=correct-horse-7 \
    /usr/bin/netdisk --server "127.0.0.1:$(cat "$port_dir/tcp")" "$@"
}
printf 'bytes from the package test %s\n' "$$" >"$work/report.txt"
client register alice >"$work/client.log" 2>&1 || fail "register: $(cat "$work/client.log")"
client --user alice put "$work/report.txt" >>"$work/client.log" 2>&1 ||
  fail "put: $(cat "$work/client.log")"
stored=$(find /var/lib/netdisk -type f -name report.txt)
[[ -n $stored ]] || fail "the upload is nowhere under /var/lib/netdisk"
cmp -s "$stored" "$work/report.txt" || fail "$stored differs from the uploaded file"
[[ $(stat -c %U "$stored") == netdisk ]] || fail "$stored is owned by $(stat -c %U "$stored")"
stop_server_checked

# remove: the programs go; the configuration, the user and the data stay.
dpkg -r netdisk >"$work/remove.log" 2>&1 || fail "dpkg -r failed: $(cat "$work/remove.log")"
[[ ! -e /usr/bin/netdiskd && ! -e /usr/bin/netdisk ]] || fail "dpkg -r left the binaries"
[[ -f /etc/netdisk/netdiskd.toml ]] || fail "dpkg -r removed the configuration"
getent passwd netdisk >/dev/null || fail "dpkg -r removed the netdisk user"
cmp -s "$stored" "$work/report.txt" || fail "dpkg -r touched the user's file"

# purge with a user's file: the user, group and configuration go, the data stays.
dpkg -P netdisk >"$work/purge.log" 2>&1 || fail "dpkg -P failed: $(cat "$work/purge.log")"
cmp -s "$stored" "$work/report.txt" || fail "purge deleted the user's file"
grep -q "/var/lib/netdisk" "$work/purge.log" || fail "purge did not say where the data was kept"
grep -q "rm -rf /var/lib/netdisk" "$work/purge.log" || fail "purge did not say how to delete it"
getent passwd netdisk >/dev/null && fail "purge left the netdisk user"
getent group netdisk >/dev/null && fail "purge left the netdisk group"
[[ ! -e /etc/netdisk ]] || fail "purge left /etc/netdisk"
rm -rf /var/lib/netdisk  # the only thing purge kept, on purpose
same_as_before "after install, remove, purge (data kept, then deleted by the test)"

# Again with a data folder that holds nothing: purge removes it too.
dpkg -i "$deb" >"$work/install2.log" 2>&1 || fail "dpkg -i (again) failed: $(cat "$work/install2.log")"
[[ -d /var/lib/netdisk ]] || fail "the second install made no data folder"
dpkg -P netdisk >"$work/purge2.log" 2>&1 || fail "dpkg -P failed: $(cat "$work/purge2.log")"
[[ ! -e /var/lib/netdisk ]] || fail "purge kept an empty data folder"
same_as_before "after install and purge with an empty data folder"
echo "PASS: install, serve as netdisk, remove and purge leave the system as it was"
