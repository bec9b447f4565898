#!/usr/bin/env bash
# Installs the Debian packages nabla needs, skipping those already present.
# Usage: scripts/install-deps.sh [build|all|fuzz|compare]
#   build: what building and testing needs (gnuplot renders the plots the
#   tests check; Open MPI runs the distributed tests); all: also the demo's
#   data set and the graph renderer; fuzz: also Clang with libFuzzer (make fuzz);
#   compare: also libtorch, OpenBLAS and the data set (make compare).
set -euo pipefail

build_packages=(cmake make g++ pkg-config libblis-dev liblapack-dev libboost-dev
                libboost-program-options-dev libboost-iostreams-dev nlohmann-json3-dev
                libfmt-dev googletest libgtest-dev libgmock-dev libbenchmark-dev gnuplot-nox
                openmpi-bin libopenmpi-dev)
extra_packages=(dataset-fashion-mnist graphviz)
# libclang_rt.fuzzer is in libclang-rt-14-dev, which clang only recommends
# (through libclang-common-14-dev).
fuzz_packages=(clang libclang-rt-14-dev)
# libtorch for the side-by-side benchmarks, with OpenBLAS's pthread build,
# which make compare hands to libtorch instead of the system's libblas.so.3.
compare_packages=(libtorch-dev libopenblas0-pthread python3 dataset-fashion-mnist)

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

# Prints the packages of "$@" that are not installed.
missing_of() {
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      echo "$p"
    fi
  done
}

# Installs "$@", running apt-get update first only when the package lists are stale.
install() {
  echo "installing: $*"
  if ! $sudo apt-get install -y --no-install-recommends "$@"; then
    $sudo apt-get update && $sudo apt-get install -y --no-install-recommends "$@"
  fi
}

mapfile -t missing < <(missing_of "${build_packages[@]}")
if [ ${#missing[@]} -gt 0 ]; then install "${missing[@]}"; fi

if [ "${1:-build}" = fuzz ]; then
  mapfile -t missing < <(missing_of "${fuzz_packages[@]}")
  if [ ${#missing[@]} -gt 0 ]; then install "${missing[@]}"; fi
fi

if [ "${1:-build}" = compare ]; then
  mapfile -t missing < <(missing_of "${compare_packages[@]}")
  if [ ${#missing[@]} -gt 0 ]; then install "${missing[@]}"; fi
fi

# The extras are optional: without the data set the demo trains the spirals,
# without graphviz graphs are written as .dot files only.
if [ "${1:-build}" = all ]; then
  mapfile -t missing < <(missing_of "${extra_packages[@]}")
  if [ ${#missing[@]} -gt 0 ] && ! install "${missing[@]}"; then
    echo "warning: could not install ${missing[*]}; continuing without them" >&2
  fi
fi
exit 0
