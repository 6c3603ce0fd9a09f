#!/usr/bin/env bash
# Regenerates the CUDA backend's PTX from the CUDA C sources beside this script.
#
# The PTX is committed under src/main/resources/org/sparkgrad/backend/cuda/, so the Maven build
# never needs nvcc; run this after editing a .cu file and commit both. PtxSourcesTest checks, on
# machines that have nvcc, that the packaged PTX is what these sources compile to.
#
# Target: compute_75, the oldest virtual architecture nvcc 13 accepts (compute_61 was dropped in
# CUDA 13). The driver JIT-compiles this PTX for any newer GPU (Ampere, Hopper, ...). PTX from
# nvcc 13 declares ISA 9.0, which needs a CUDA 13 driver (r580 or newer) to load; build with an
# older nvcc (NVCC=/path/to/nvcc) to target older drivers.
#
# Usage: build-ptx.sh [output-dir]   (default: the resource folder)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../resources/org/sparkgrad/backend/cuda}"
nvcc="${NVCC:-nvcc}"
mkdir -p "$out"
# Kept in step with PtxSourcesTest.NVCC_FLAGS.
flags=(-ptx -arch=compute_75 -O3 -std=c++17)
for src in "$here"/*.cu; do
  name="$(basename "$src" .cu)"
  (cd "$here" && "$nvcc" "${flags[@]}" "$name.cu" -o "$out/$name.ptx")
done
echo "PTX written to $out: $(cd "$out" && ls ./*.ptx | tr '\n' ' ')"
