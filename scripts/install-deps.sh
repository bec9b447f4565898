#!/usr/bin/env bash
# Installs the Debian packages nabla needs, skipping those already present.
# Usage: scripts/install-deps.sh [build|all]
#   build: what building and testing needs (gnuplot renders the plots the
#   tests check); all: also the demo's data set and the graph renderer.
set -euo pipefail

build_packages=(cmake make g++ pkg-config libblis-dev libboost-dev
                libboost-program-options-dev libboost-iostreams-dev nlohmann-json3-dev
                googletest libgtest-dev libgmock-dev libbenchmark-dev gnuplot-nox)
extra_packages=(dataset-fashion-mnist libgnuplot-iostream-dev graphviz)

packages=("${build_packages[@]}")
if [ "${1:-build}" = all ]; then packages+=("${extra_packages[@]}"); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y --no-install-recommends "${missing[@]}"; then
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
