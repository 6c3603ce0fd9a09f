#!/usr/bin/env bash
# Compiles the CUDA kernels as C++ against cuda_emulation.h and runs emulated_kernels_test.cpp:
# a check of the kernels' logic on machines without a GPU. Needs g++ with C++20.
# Usage: run-emulated-kernels.sh [build-dir]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
"${CXX:-g++}" -std=c++20 -O1 -U_FORTIFY_SOURCE -pthread -x c++ "$here/emulated_kernels_test.cpp" -o "$out/emulated_kernels_test"
"$out/emulated_kernels_test"
