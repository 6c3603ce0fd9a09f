#!/usr/bin/env bash
# The estimators' GPU check on a GPU machine (issue 20, part 1), from the parts that
# scripts/build-gpu-spark-bundle.sh made: joins .gpu-bundle/spark-part*/, unpacks them once, then
# runs GpuFitCheck (fit and transform with device=gpu against device=cpu, an MLP and a CNN, local[2])
# and the PyTorch peer of the same fits on the same card, writing the logs under $OUT.
#
# Usage, from the repository root: scripts/gpu-fit-check.sh [rows] [epochs]
#   DEVICES=cpu,cpu runs the same path without a GPU (to prove the bundle on the build machine).
#   PRECISION=bf16 (or fp16, with DEVICES=gpu,gpu) sets the fits' precision param and the PyTorch
#   peer's torch.autocast.
set -u
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-$root/out}"
rows="${1:-4096}"
epochs="${2:-3}"
mkdir -p "$OUT"
unpacked="${UNPACKED:-$root/.gpu-bundle/spark}"
if [ ! -x "$unpacked/jre/bin/java" ]; then
  parts=("$root"/.gpu-bundle/spark-part*/spark.tar.xz.*)
  if [ ! -e "${parts[0]}" ]; then
    echo "no .gpu-bundle/spark-part*/ here: build them with scripts/build-gpu-spark-bundle.sh" >&2
    exit 2
  fi
  echo "== unpacking ${#parts[@]} parts into $unpacked"
  mkdir -p "$unpacked"
  cat "${parts[@]}" | xz -d -T2 | tar -x -C "$unpacked" || exit 2
fi
java="$unpacked/jre/bin/java"
{
  echo "== $(date -u +%FT%TZ) on $(hostname)"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || true
  "$java" -version 2>&1
} > "$OUT/fit-machine.log"
opens="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
--add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
--add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED"
status=0
echo "== GpuFitCheck: fit and transform, device ${DEVICES:-cpu,gpu}, precision ${PRECISION:-float32}, $rows rows, $epochs epochs"
# shellcheck disable=SC2086
timeout "${FIT_TIMEOUT:-400}" "$java" $opens -Xmx8g --add-modules jdk.incubator.vector \
  -Dsparkgrad.cuda.gemm=own -cp "$unpacked/classes" org.sparkgrad.bench.GpuFitCheck \
  --rows "$rows" --epochs "$epochs" --devices "${DEVICES:-cpu,gpu}" \
  --precision "${PRECISION:-float32}" > "$OUT/fit-check.log" 2>&1 \
  || status=1
grep -E '^(mlp|cnn) |^GpuFitCheck|Exception|Error|overflowed' "$OUT/fit-check.log" | head -20
echo "== the same fits in PyTorch on the same card"
timeout 200 "${PYTHON:-python3}" "$unpacked/classes/org/sparkgrad/bench/gpu_fit_torch.py" \
  "$rows" "$epochs" "${PRECISION:-float32}" > "$OUT/fit-torch.log" 2>&1 || status=1
cat "$OUT/fit-torch.log"
exit $status
