#!/usr/bin/env bash
# Runs libFuzzer targets for a set time each and reports their executions.
# Usage: run_fuzzers.sh <bin dir> <seed root> <work dir> <seconds> <target>...
#   <bin dir>/<target>_fuzzer is run on <work dir>/corpus/<target> (kept
#   between runs, grown by the fuzzer) and <seed root>/<target> (read only).
# Exits 1 when any target reports a finding (a crash, an exception other than
# nabla::Error, a sanitizer report, a leak, more than 10 s for one input or
# more than 512 MB in one allocation / 1 GB in all); the input that caused it
# is kept in <work dir>/findings/<target>/.
set -uo pipefail
if [ $# -lt 5 ]; then
  echo "usage: $0 <bin dir> <seed root> <work dir> <seconds> <target>..." >&2
  exit 2
fi
bin=$1 seeds=$2 work=$3 seconds=$4
shift 4

# One thread per target: the kernels' threads add nothing to a
# fuzzer's single inputs.
export NABLA_NUM_THREADS=1
# A smaller quarantine keeps ASan's own memory out of the RSS limit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

status=0
printf '%-16s %12s %10s %8s %9s\n' target executions "per second" corpus "peak MB"
for target in "$@"; do
  exe=$bin/${target}_fuzzer
  corpus=$work/corpus/$target
  findings=$work/findings/$target
  log=$work/logs/$target.log
  mkdir -p "$corpus" "$findings" "$work/logs"
  # The checkpoint readers' worst cases (30,000 tensors, values nested
  # 10,000 deep) need inputs of a few MB; a CSV message quoting a whole field
  # or header shows only above the 16 KB bound of a message.
  case $target in
    safetensors | model_file | training_state) max_len=3145728 ;;
    csv) max_len=65536 ;;
    *) max_len=4096 ;;
  esac
  dirs=("$corpus")
  if [ -d "$seeds/$target" ]; then dirs+=("$seeds/$target"); fi
  "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=512 \
    -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$findings/" "${dirs[@]}" \
    >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  inputs=$(find "$corpus" -type f | wc -l)
  printf '%-16s %12s %10s %8s %9s\n' "$target" "${execs:-?}" "${rate:-?}" "$inputs" "${peak:-?}"
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "FINDING in $target (exit $rc); input kept in $findings/, log in $log:" >&2
    grep -E 'FINDING|ERROR: |SUMMARY: |runtime error|==[0-9]+==|Test unit written' "$log" |
      head -n 20 >&2
  fi
done
exit $status
