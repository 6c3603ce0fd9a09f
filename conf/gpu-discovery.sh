#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs of this machine in Spark's resource format,
#   {"name":"gpu","addresses":["0","1"]}
# with the CUDA ordinals that nvidia-smi reports. Use it as
#   spark.executor.resource.gpu.discoveryScript   (executors, where the cluster manager does not
#                                                  discover GPUs itself)
#   spark.worker.resource.gpu.discoveryScript     (standalone workers)
#   spark.driver.resource.gpu.discoveryScript     (the driver, e.g. in local mode)
# Exits non-zero, saying why on stderr, when nvidia-smi is missing, fails, or lists no GPU.
# Uses only bash built-ins besides nvidia-smi.
set -u

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi not found on PATH ($PATH); install the NVIDIA driver" \
    "on this machine, or remove the spark.*.resource.gpu.* settings to run without GPUs" >&2
  exit 2
fi

if ! output=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1); then
  echo "gpu-discovery.sh: 'nvidia-smi --query-gpu=index --format=csv,noheader' failed:" \
    "$output" >&2
  exit 3
fi

addresses=""
while IFS= read -r line || [ -n "$line" ]; do
  index="${line//[[:space:]]/}"
  [ -z "$index" ] && continue
  if [[ ! "$index" =~ ^[0-9]+$ ]]; then
    echo "gpu-discovery.sh: expected a GPU index from nvidia-smi, got '$line'" >&2
    exit 4
  fi
  addresses="${addresses:+$addresses,}\"$index\""
done <<< "$output"

if [ -z "$addresses" ]; then
  echo "gpu-discovery.sh: nvidia-smi lists no GPU on this machine" >&2
  exit 5
fi

echo "{\"name\":\"gpu\",\"addresses\":[$addresses]}"
