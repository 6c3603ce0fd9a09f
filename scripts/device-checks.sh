#!/usr/bin/env bash
# The GPU device checks issue 20 needs, listed and run in one call on a GPU machine (no Java or
# Maven there: everything comes from the bundles built here). docs/CUDA.md, "Device checks",
# says what each check compares and which figures go in the issue note.
#
# Build here first, from the repository root:
#   scripts/build-gpu-bundle.sh          -> .gpu-bundle/ (engine, tests, benchmarks, a JRE)
#   scripts/build-gpu-spark-bundle.sh    -> .gpu-bundle/spark-part*/ (only for fit, bf16, fp16)
# Then on the device machine (carry .gpu-bundle, or its parts in calls in quick succession):
#   OUT=$OUT scripts/device-checks.sh [list | all | CHECK...]
#
# Checks (each logs under $OUT/CHECK/; "all" runs those whose bundle is present, in this order):
#   correctness  CudaBackendContractTest (the fused kernels, split-K shapes, transfers included),
#                CpuVsCudaTest, AutocastCudaTest, CpuBackendContractTest: the bundle's run.sh
#   before       run.sh with the speed work switched off (synchronising transfers, no split-K, no
#                fused kernels): transfer GB/s, MLP step breakdown, MLP and CNN beside PyTorch
#   after        the same with everything on, on the same card right after "before"
#   fit          GpuFitCheck: NeuralNetClassifier MLP and CNN fit/transform, device=gpu vs cpu
#   bf16         the same fits in bf16 (gpu vs cpu), beside PyTorch's autocast
#   fp16         the same fits in fp16 with loss scaling (gpu vs gpu), beside PyTorch's
# Exit status: 0 when every check that ran passed, 1 otherwise; 2 when a named check's bundle is
# missing or none is present. One call has 10 minutes: run "correctness before after" in one call
# and "fit bf16 fp16" in another (each fit check takes about a minute and a half).
set -u
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-$root/out}"
bundle="$root/.gpu-bundle"
all_checks=(correctness before after fit bf16 fp16)
speed_off="-Dsparkgrad.cuda.syncTransfers=true -Dsparkgrad.cuda.splitK=false -Dsparkgrad.fused=false"

has_engine_bundle() { [ -x "$bundle/run.sh" ]; }
has_spark_bundle() {
  [ -x "$bundle/spark/jre/bin/java" ] || compgen -G "$bundle/spark-part*/spark.tar.xz.*" > /dev/null
}

# Runs one check into $OUT/$1; returns its status.
run_check() {
  local check="$1" dir="$OUT/$1"
  mkdir -p "$dir"
  echo "== $(date -u +%T) $check -> $dir"
  case "$check" in
    correctness)
      # The tests only: the speed checks run the benchmarks.
      OUT="$dir" SKIP_BENCHMARKS=1 "$bundle/run.sh" ;;
    before) OUT="$dir" JAVA_TOOL_OPTIONS="$speed_off" "$bundle/run.sh" ;;
    after) OUT="$dir" "$bundle/run.sh" ;;
    fit) OUT="$dir" "$root/scripts/gpu-fit-check.sh" 4096 3 ;;
    bf16) OUT="$dir" PRECISION=bf16 "$root/scripts/gpu-fit-check.sh" 4096 3 ;;
    fp16) OUT="$dir" PRECISION=fp16 DEVICES=gpu,gpu "$root/scripts/gpu-fit-check.sh" 4096 3 ;;
    *)
      echo "unknown check '$check' (checks: ${all_checks[*]})" >&2
      return 2
      ;;
  esac
}

needs_bundle() {
  case "$1" in
    correctness | before | after) has_engine_bundle ;;
    *) has_spark_bundle ;;
  esac
}

if [ "${1:-all}" = list ]; then
  sed -n '12,20p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
if [ $# -eq 0 ] || [ "$1" = all ]; then
  checks=()
  for c in "${all_checks[@]}"; do
    if needs_bundle "$c"; then checks+=("$c"); else echo "== $c skipped: its bundle is not here"; fi
  done
else
  checks=("$@")
  for c in "${checks[@]}"; do
    if ! needs_bundle "$c"; then
      echo "check '$c' needs a bundle that is not here (see the top of $0)" >&2
      exit 2
    fi
  done
fi
if [ ${#checks[@]} -eq 0 ]; then
  echo "no check can run: no bundle here (see the top of $0)" >&2
  exit 2
fi
mkdir -p "$OUT"
status=0
for c in "${checks[@]}"; do
  run_check "$c" || status=1
done
echo "== $(date -u +%T) done, status $status; logs under $OUT"
exit $status
