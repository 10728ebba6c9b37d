#!/usr/bin/env bash
# The man pages docs/man/netdiskd.8 and docs/man/netdisk.1 render without a warning, and name
# every option and command the binaries' --help lists: netdiskd's options and admin commands,
# netdisk's global options, commands and each command's options. A new option without its line
# in the page fails here, so the pages cannot drift from the binaries.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v man >/dev/null || fail "man is missing: scripts/deps.sh installs man-db"
for page in "$source_dir/docs/man/netdiskd.8" "$source_dir/docs/man/netdisk.1"; do
  warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
  [[ -z $warnings ]] || fail "$(basename "$page") renders with warnings: $warnings"
done

# help_options PROGRAM ARGS...: the long options `PROGRAM ARGS... --help` lists.
help_options() {
  "$@" --help | sed -n '/^[A-Za-z]*[Oo]ptions:$/,/^$/p' |
    grep -o -- '--[a-z][a-z0-9-]*' | sort -u
}
# help_commands PROGRAM ARGS...: the subcommands `PROGRAM ARGS... --help` lists.
help_commands() {
  "$@" --help | sed -n '/^[A-Za-z]*[Ss]ubcommands:$/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}
# The page's text with roff's \- turned into -, so "\-\-listen" reads "--listen".
page_text() { sed 's/\\-/-/g; s/\\f[BIRP]//g' "$source_dir/docs/man/$1"; }

missing=()
# in_page PAGE WORD CONTEXT: the page names WORD as a whole word (an option, a command).
in_page() {
  grep -qE -- "(^|[^a-z-])$2([^a-z-]|$)" <<<"$(page_text "$1")" || missing+=("$1 lacks $2 ($3)")
}

server=("$bin_dir/netdiskd")
for option in $(help_options "${server[@]}"); do in_page netdiskd.8 "$option" "netdiskd --help"; done
for command in $(help_commands "${server[@]}"); do
  in_page netdiskd.8 "$command" "netdiskd --help"
  for sub in $(help_commands "${server[@]}" "$command"); do
    in_page netdiskd.8 "$sub" "netdiskd $command --help"
    for option in $(help_options "${server[@]}" "$command" "$sub"); do
      in_page netdiskd.8 "$option" "netdiskd $command $sub --help"
    done
    for leaf in $(help_commands "${server[@]}" "$command" "$sub"); do
      in_page netdiskd.8 "$leaf" "netdiskd $command $sub --help"
    done
  done
done

client=("$bin_dir/netdisk")
for option in $(help_options "${client[@]}"); do in_page netdisk.1 "$option" "netdisk --help"; done
for command in $(help_commands "${client[@]}"); do
  in_page netdisk.1 "$command" "netdisk --help"
  for option in $(help_options "${client[@]}" "$command"); do
    in_page netdisk.1 "$option" "netdisk $command --help"
  done
  for sub in $(help_commands "${client[@]}" "$command"); do
    in_page netdisk.1 "$sub" "netdisk $command --help"
    for option in $(help_options "${client[@]}" "$command" "$sub"); do
      in_page netdisk.1 "$option" "netdisk $command $sub --help"
    done
  done
done

((${#missing[@]} == 0)) || fail "the man pages lack what --help lists:
$(printf '  %s\n' "${missing[@]}")"
# Guard against a parse that finds nothing (and so misses nothing).
(($(help_options "${server[@]}" | wc -l) > 30)) || fail "found too few netdiskd options to compare"
(($(help_commands "${client[@]}" | wc -l) > 15)) || fail "found too few netdisk commands to compare"
echo "PASS: both pages render cleanly and name every option and command of --help"
