#!/usr/bin/env bash
# same_bytes.sh "CRC SIZE" RESULT: exit 0 when RESULT has that size and CRC (the output of
# `cksum < EXPECTED`, computed once by bench/run), else say what differs and exit 1. bench/run
# checks every user-side transfer with it, outside the timed interval, so a short or corrupted
# transfer can never count as fast.
set -uo pipefail
read -r want_crc want_size <<< "$1"
result="$2"
[[ -f "$result" ]] || { echo "no file where the transfer should have put it"; exit 1; }
got_size=$(stat -c %s "$result")
[[ "$got_size" == "$want_size" ]] || { echo "size $got_size, expected $want_size"; exit 1; }
read -r got_crc _ < <(cksum < "$result")
[[ "$got_crc" == "$want_crc" ]] || { echo "same size, different bytes (cksum)"; exit 1; }
