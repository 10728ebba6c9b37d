#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz/ with clang in build-fuzz/ and runs them.
# Usage: scripts/fuzz.sh [--ci] [--merge] [-j N] [SECONDS_PER_HARNESS] [HARNESS...]
#   SECONDS_PER_HARNESS  how long each harness runs (default 60; --ci means 30)
#   HARNESS              any of the harnesses below (default: all of them)
#   --merge              afterwards, merge inputs that add coverage into tests/fuzz/corpus/
#                        (otherwise the committed seeds are only copied, never modified)
#   -j N                 run up to N harnesses at once (default 1)
# Exits non-zero on any finding (crash, assertion, sanitizer report, leak, timeout, OOM) and
# prints the path of the input that caused it. Ends with one summary line per harness.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

all_harnesses=(fuzz_frame_decoder fuzz_control_message fuzz_path fuzz_workbook_reader fuzz_dav_request)
declare -A max_len=(
  [fuzz_frame_decoder]=16384     # a few frames and their read sizes
  [fuzz_control_message]=16384   # one payload; JSON features need no more
  [fuzz_path]=9000               # over kMaxPathBytes (4096) so the limit itself is reached
  [fuzz_workbook_reader]=65536   # a small users.xlsx; deflate can still inflate to the cap
  [fuzz_dav_request]=16384       # an If header or a WebDAV body; the tree caps bite before
)

seconds=60
merge=0
parallel=1
harnesses=()
while (($#)); do
  case "$1" in
    --ci) seconds=30 ;;
    --merge) merge=1 ;;
    -j) parallel=$2; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    [0-9]*) seconds=$1 ;;
    fuzz_*)
      [[ -v "max_len[$1]" ]] || { echo "fuzz.sh: unknown harness '$1'" >&2; exit 2; }
      harnesses+=("$1") ;;
    *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
((${#harnesses[@]})) || harnesses=("${all_harnesses[@]}")

"$root/scripts/deps.sh" fuzz
build_dir=${NETDISK_FUZZ_BUILD_DIR:-$root/build-fuzz}
if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DNETDISK_FUZZ=ON -DNETDISK_BUILD_TESTS=OFF -DNETDISK_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build_dir" --target "${harnesses[@]}" -- -j "${NETDISK_FUZZ_BUILD_JOBS:-2}"

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/netdisk-fuzz-run.XXXXXX")
artifacts=$build_dir/fuzz-artifacts
mkdir -p "$artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Runs one harness; its log goes to $run_dir/NAME.log.
fuzz_one() {
  local name=$1
  local seeds=$root/tests/fuzz/corpus/$name
  local work=$run_dir/$name.corpus
  mkdir -p "$work"
  cp -r "$seeds/." "$work/"
  local status=0
  "$build_dir/fuzz/$name" "$work" \
    -dict="$root/tests/fuzz/dict/$name.dict" \
    -max_len="${max_len[$name]}" -rss_limit_mb=2048 -timeout=10 \
    -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$artifacts/$name-" >"$run_dir/$name.log" 2>&1 || status=$?
  echo "$status" >"$run_dir/$name.status"
  if ((status == 0 && merge)); then
    "$build_dir/fuzz/$name" -merge=1 -max_len="${max_len[$name]}" -rss_limit_mb=2048 \
      -timeout=10 "$seeds" "$work" >>"$run_dir/$name.log" 2>&1 || true
  fi
}

echo "fuzz.sh: ${#harnesses[@]} harness(es), ${seconds}s each, ${parallel} at a time; logs in $run_dir"
for name in "${harnesses[@]}"; do
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
  fuzz_one "$name" &
done
wait

failed=0
summary=()
for name in "${harnesses[@]}"; do
  log=$run_dir/$name.log
  status=$(cat "$run_dir/$name.status" 2>/dev/null || echo 1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  corpus=$(find "$run_dir/$name.corpus" -type f | wc -l)
  if [[ "$status" == 0 ]]; then
    result=ok
  else
    failed=1
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    kind=$(grep -m1 -oE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer): [a-z-]+|fuzz property failed|runtime error' "$log" || true)
    result="FAILED (${kind:-exit $status}) input: ${artifact:-none}"
    echo "=== $name: finding; log tail ($log) ==="
    tail -60 "$log"
  fi
  summary+=("$(printf '%-22s runs=%-10s seconds=%-5s cov=%-5s ft=%-6s corpus=%-5s %s' \
    "$name" "${runs:-?}" "${took:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$result")")
done
echo "=== fuzz summary ($(date -u +%Y-%m-%dT%H:%MZ)) ==="
printf '%s\n' "${summary[@]}"
((merge)) && echo "fuzz.sh: merged new inputs into tests/fuzz/corpus/ (review before committing)"
exit "$failed"
