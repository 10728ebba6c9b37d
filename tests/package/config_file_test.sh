#!/usr/bin/env bash
# The shipped configuration packaging/netdiskd.toml names every option `netdiskd --help` lists
# (set, or commented out at its default), except those that only make sense on a command
# line; and netdiskd starts from it (with the data folder and the addresses overridden on the
# command line, which take precedence) and serves, so no key in it is misspelt.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

config="$source_dir/packaging/netdiskd.toml"
# Command-line only: asking for help or the version, naming this file, checking it.
command_line_only=" --help --version --config --check-config "
missing=()
for option in $("$bin_dir/netdiskd" --help | sed -n '/^[A-Za-z]*[Oo]ptions:$/,/^$/p' |
  grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
  [[ $command_line_only == *" $option "* ]] && continue
  grep -qE "^(# )?${option#--} = " "$config" || missing+=("${option#--}")
done
((${#missing[@]} == 0)) || fail "netdiskd.toml lacks a line for: ${missing[*]}"

work=$(mktemp -d)
server_pid=""
trap 'stop_server; rm -rf "$work"' EXIT
mkdir -p "$work/ports"
start_server "$work/server.log" "$work/ports" "$bin_dir/netdiskd" --config "$config" \
  --data "$work/data" --listen 127.0.0.1:0 --http 127.0.0.1:0 --https 127.0.0.1:0 \
  --port-file "$work/ports/tcp" --http-port-file "$work/ports/http"
curl -fsS "http://127.0.0.1:$(cat "$work/ports/http")/" >/dev/null ||
  fail "the server started from netdiskd.toml does not serve its web page"
stop_server_checked
echo "PASS: netdiskd.toml names every option and the server starts from it"
