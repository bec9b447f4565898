#!/usr/bin/env bash
# A fuzzer killed before it exits leaves its input directory
# (<base>/nabla-fuzz-<pid>, base /dev/shm or the temporary directory); the
# next fuzzer that starts removes it.
# Usage: orphan_input_dir.sh <fuzzer> <seed dir>
set -u
fuzzer=$1 seeds=$2
if [ -d /dev/shm ]; then base=/dev/shm; else base=${TMPDIR:-/tmp}; fi
export NABLA_NUM_THREADS=1

corpus=$(mktemp -d)  # the fuzzer adds to its first directory: not the seeds
trap 'rm -rf "$corpus"' EXIT
"$fuzzer" -max_total_time=60 "$corpus" "$seeds" > /dev/null 2>&1 &
pid=$!
dir=$base/nabla-fuzz-$pid
for _ in $(seq 200); do
  [ -d "$dir" ] && break
  sleep 0.1
done
kill -9 "$pid" 2> /dev/null
wait "$pid" 2> /dev/null
if [ ! -d "$dir" ]; then
  echo "SKIPPED: the fuzzer made no input directory within 20 s"
  exit 0
fi
"$fuzzer" -runs=0 "$seeds" > /dev/null 2>&1 || { echo "the second fuzzer failed"; exit 1; }
if [ -e "$dir" ]; then
  echo "FAILED: $dir of the killed fuzzer is still there"
  rm -rf "$dir"
  exit 1
fi
echo "the killed fuzzer's $dir was removed"
