#!/usr/bin/env bash
# Builds the emulated driver library (emulated_libcuda.cpp) as <dir>/libcuda.so.1: put <dir> on
# LD_LIBRARY_PATH and JCuda's driver binding loads it instead of a real driver. Needs g++ (C++20).
# Usage: build-emulated-libcuda.sh <dir>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build-emulated-libcuda.sh <dir>}"
mkdir -p "$out"
# Every kernel the packaged PTX defines, so the registry matches what Java can ask for.
grep -ho '^\.visible \.entry [A-Za-z0-9_]*' "$here"/../../main/resources/org/sparkgrad/backend/cuda/*.ptx \
  | sed 's/^\.visible \.entry \(.*\)$/K(\1)/' > "$out/kernel_registry.inc"
"${CXX:-g++}" -std=c++20 -O1 -U_FORTIFY_SOURCE -pthread -shared -fPIC -Wl,-soname,libcuda.so.1 \
  -I"$out" -x c++ "$here/emulated_libcuda.cpp" -o "$out/libcuda.so.1"
echo "$out/libcuda.so.1: $(wc -l < "$out/kernel_registry.inc") kernels"
