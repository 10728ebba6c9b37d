#!/usr/bin/env bash
# The bash completion (packaging/netdisk.bash-completion), sourced into bash with
# bash-completion's helpers: `netdisk <TAB>` offers the commands (and not the hidden one),
# `netdisk get --<TAB>` get's options, and `netdisk get docs/<TAB>` the remote names of a
# running server, listed through the client with a saved login in a temporary config folder;
# without a saved login, or from a server whose key it does not know, it offers nothing, asks
# nothing and trusts nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[[ -f /usr/share/bash-completion/bash_completion ]] ||
  fail "bash-completion is missing: scripts/deps.sh installs it"
work=$(mktemp -d)
server_pid=""
trap 'stop_server; rm -rf "$work"' EXIT

# complete WORD...: what the completion offers for the command line WORD... (the last word is
# the one under the cursor), one a line, sorted.
complete() {
  HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" PATH="$bin_dir:$PATH" \
    bash --norc --noprofile -c '
      source /usr/share/bash-completion/bash_completion
      source "$1"; shift
      COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
      COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
      _netdisk netdisk "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
      printf "%s\n" "${COMPREPLY[@]}"' \
    complete "$source_dir/packaging/netdisk.bash-completion" "$@" | sed '/^$/d' | sort
}
mkdir -p "$work/home"

commands=$(complete netdisk "")
for command in register login logout ls put get rm mv mkdir df trash versions restore share \
  shares unshare discover trust chat shell; do
  grep -qx "$command" <<<"$commands" || fail "netdisk <TAB> lacks $command: $commands"
done
grep -q '__complete' <<<"$commands" && fail "netdisk <TAB> offers the hidden command"
shell_help=$(printf 'help\n' | HOME="$work/home" "$bin_dir/netdisk" --server 127.0.0.1:1 2>&1)
grep -q '^  ls ' <<<"$shell_help" || fail "the shell's help lists no commands: $shell_help"
grep -q '__complete' <<<"$shell_help" && fail "the shell's help lists the hidden command"
[[ $(complete netdisk tr) == $'trash\ntrust' ]] || fail "netdisk tr<TAB> gives $(complete netdisk tr)"
options=$(complete netdisk get --)
for option in --resume --overwrite --quiet --jobs --limit-rate --help; do
  grep -qx -- "$option" <<<"$options" || fail "netdisk get --<TAB> lacks $option: $options"
done
grep -qx -- "--to" <<<"$options" && fail "netdisk get --<TAB> offers put's --to"
[[ $(complete netdisk --pl) == --plaintext ]] || fail "netdisk --pl<TAB> gives $(complete netdisk --pl)"
[[ $(complete netdisk trash "") == $'empty\nrestore' ]] || fail "netdisk trash <TAB>: $(complete netdisk trash "")"

# A server with alice's files, and her login saved in the temporary HOME.
port_dir="$work/ports"
mkdir -p "$port_dir"
start_server "$work/server.log" "$port_dir" "$bin_dir/netdiskd" --data "$work/data" \
  --listen 127.0.0.1:0 --http 127.0.0.1:0 --port-file "$port_dir/tcp" \
  --http-port-file "$port_dir/http" --password-hash-memory 8
server="127.0.0.1:$(cat "$port_dir/tcp")"
client() {
  HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" NETDISK_PASSWORD=correct-horse-7 \
    "$bin_dir/netdisk" --server "$server" "$@" >>"$work/client.log" 2>&1 ||
    fail "netdisk $*: $(cat "$work/client.log")"
}
# Nothing saved yet: nothing offered, and no prompt (stdin is closed, so a prompt would fail).
[[ -z $(complete netdisk --server "$server" get docs/ </dev/null) ]] ||
  fail "completion offered names without a saved login"
client register alice
client login alice
client mkdir -p docs/old
echo notes >"$work/notes.txt"
echo report >"$work/report.pdf"
client put "$work/notes.txt" "$work/report.pdf" --to docs

[[ $(complete netdisk --server "$server" get docs/ </dev/null) == $'docs/notes.txt\ndocs/old/\ndocs/report.pdf' ]] ||
  fail "netdisk get docs/<TAB> gives: $(complete netdisk --server "$server" get docs/)"
[[ $(complete netdisk --server "$server" get docs/r) == docs/report.pdf ]] ||
  fail "netdisk get docs/r<TAB> gives: $(complete netdisk --server "$server" get docs/r)"
[[ $(complete netdisk --server "$server" ls d) == docs/ ]] ||
  fail "netdisk ls d<TAB> gives: $(complete netdisk --server "$server" ls d)"
[[ -z $(complete netdisk --server "$server" get nowhere/) ]] ||
  fail "netdisk get nowhere/<TAB> offered names"
# A server key the client does not know: nothing offered, and the key is not trusted on the
# way (known_servers stays without it).
known="$work/home/.config/netdisk/known_servers"
[[ -s $known ]] || fail "the client saved no server key at $known"
mv "$known" "$work/known_servers.saved"
[[ -z $(complete netdisk --server "$server" get docs/ </dev/null) ]] ||
  fail "completion offered names from a server whose key is unknown"
[[ ! -s $known ]] || fail "completion trusted the server's key on first use"
mv "$work/known_servers.saved" "$known"
# NETDISK_SERVER picks the server as it does for every command.
[[ $(NETDISK_SERVER="$server" complete netdisk rm docs/n) == docs/notes.txt ]] ||
  fail "netdisk rm docs/n<TAB> with NETDISK_SERVER gives: $(NETDISK_SERVER="$server" complete netdisk rm docs/n)"
stop_server_checked
no_sanitizer_report "$work/client.log"
echo "PASS: commands, options and remote names complete"
