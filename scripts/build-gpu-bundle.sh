#!/usr/bin/env bash
# Builds .gpu-bundle/: everything the CUDA checks need on a GPU machine that has no Java and no
# Maven (see DEVICE.md in the project notes): a small jlinked JRE, the engine's classes and test
# classes, the benchmark programs, and only the jars the checks use (JCuda and its Linux driver
# natives, JCublas, netlib BLAS, AssertJ, JUnit's console launcher). Bundled OpenBLAS natives are
# left out for size: the CPU side of the comparisons runs on netlib's Java BLAS there.
#
# Then .gpu-bundle/run.sh runs, logging under $OUT: the backend contract tests on cuda:0, the
# CPU-vs-GPU training comparison, the matmul demo, the host-device copy speed, where the MLP
# step's GPU time goes, and the training benchmark beside PyTorch (PROFILE=1 adds a flight
# recording of the benchmark's host side).
#
# Usage (from anywhere): scripts/build-gpu-bundle.sh   (set MVN_OFFLINE= to allow downloads)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="$root/.gpu-bundle"
mvn_flags=(-B -q ${MVN_OFFLINE--o})
junit_platform=1.13.4
dep_plugin=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

cd "$root"
echo "== compiling tensor-engine (main and tests) and benchmarks"
mvn "${mvn_flags[@]}" -pl tensor-engine,benchmarks test-compile -Dspotless.check.skip=true

rm -rf "$bundle"
mkdir -p "$bundle/lib" "$bundle/classes"
deps="$(mktemp -d)"
trap 'rm -rf "$deps"' EXIT

echo "== collecting jars"
mvn "${mvn_flags[@]}" -pl tensor-engine "$dep_plugin:copy-dependencies" \
  -DincludeScope=test -DoutputDirectory="$deps"
mvn "${mvn_flags[@]}" "$dep_plugin:copy" \
  -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_platform" \
  -DoutputDirectory="$deps"
for jar in jcuda-[0-9]*.jar jcublas-[0-9]*.jar jcublas-natives-*-linux-x86_64.jar \
  blas-*.jar arpack_combined_all-*.jar assertj-core-*.jar \
  junit-platform-console-standalone-*.jar; do
  cp "$deps"/$jar "$bundle/lib/"
done
# JCuda's natives jar also carries NVRTC, the PTX compiler and the runtime (25 MB): keep only the
# driver binding, which needs nothing but the driver's libcuda.so.1.
natives="$(ls "$deps"/jcuda-natives-*-linux-x86_64.jar)"
mkdir -p "$deps/natives" && (cd "$deps/natives" && unzip -q "$natives" 'lib/libJCudaDriver-*')
(cd "$deps/natives" && jar --create --file "$bundle/lib/$(basename "$natives")" lib)

echo "== copying classes"
cp -r tensor-engine/target/classes "$bundle/classes/main"
mkdir -p "$bundle/classes/test/org/sparkgrad/backend"
cp -r tensor-engine/target/test-classes/org/sparkgrad/backend/. \
  "$bundle/classes/test/org/sparkgrad/backend/"
cp -r benchmarks/target/classes "$bundle/classes/bench"

echo "== linking a Java runtime"
jlink --add-modules java.base,java.logging,jdk.unsupported,java.management,jdk.incubator.vector,java.xml,jdk.jfr \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$bundle/jre" 2>&1 \
  | grep -v 'incubator modules' || true

cat > "$bundle/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the CUDA checks on this machine's cuda:0 and writes the logs under $OUT (default ./out).
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${OUT:-$here/out}"
mkdir -p "$OUT"
java="$here/jre/bin/java"
# Jars listed one by one: JUnit's --class-path does not expand "lib/*" as java -cp does.
cp="$here/classes/main:$here/classes/test:$here/classes/bench"
for jar in "$here"/lib/*.jar; do
  case "$jar" in *junit-platform-console-standalone*) ;; *) cp="$cp:$jar" ;; esac
done
console="$(ls "$here"/lib/junit-platform-console-standalone-*.jar)"
status=0
if ! "$java" -version > /dev/null 2>&1; then
  # The runtime was linked on the build machine: it needs glibc 2.34 or newer.
  echo "the bundled Java runtime does not start here: $("$java" -version 2>&1 | head -3);" \
    "glibc here: $(ldd --version 2>&1 | head -1)" | tee "$OUT/machine.log"
  exit 3
fi
{
  echo "== $(date -u +%FT%TZ) on $(hostname)"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || true
  "$java" -version 2>&1
} > "$OUT/machine.log"

echo "== tests: backend contract on cuda:0, CPU vs CUDA training, autocast, CPU contract (bundle smoke)"
timeout 240 "$java" -Xmx6g --add-modules jdk.incubator.vector -jar "$console" execute \
  --class-path "$cp" --disable-banner --disable-ansi-colors --details=tree \
  --reports-dir "$OUT/junit" \
  --select-class org.sparkgrad.backend.cuda.CudaBackendContractTest \
  --select-class org.sparkgrad.backend.cuda.CpuVsCudaTest \
  --select-class org.sparkgrad.backend.cuda.AutocastCudaTest \
  --select-class org.sparkgrad.backend.CpuBackendContractTest \
  > "$OUT/tests.log" 2>&1 || status=1
tail -n 25 "$OUT/tests.log"
if [ -n "${SKIP_BENCHMARKS:-}" ]; then
  exit $status
fi

echo "== matmul CPU vs GPU"
timeout 120 "$java" -Xmx6g --add-modules jdk.incubator.vector -cp "$cp" \
  org.sparkgrad.bench.GpuMatmulDemo 2048 > "$OUT/matmul-demo.log" 2>&1 || status=1
cat "$OUT/matmul-demo.log"

echo "== copies between host and device"
timeout 60 "$java" -Xmx6g -XX:+AlwaysPreTouch -cp "$cp" org.sparkgrad.bench.GpuTransferProbe \
  > "$OUT/transfers.log" 2>&1 || status=1
cat "$OUT/transfers.log"

echo "== where the MLP step's GPU time goes"
timeout 60 "$java" -Xmx6g -Dsparkgrad.cuda.gemm=own -cp "$cp" org.sparkgrad.bench.GpuStepBreakdown \
  > "$OUT/breakdown.log" 2>&1 || status=1
grep -v -e '^[A-Z][a-z][a-z] [0-9]' -e '^INFO' "$OUT/breakdown.log"

if [ -n "${PROFILE:-}" ]; then
  echo "== training benchmark alone, with a flight recording of the host side ($OUT/mlp.jfr)"
  timeout 120 "$java" -Xmx6g -XX:StartFlightRecording=filename="$OUT/mlp.jfr",settings=profile \
    -Dsparkgrad.cuda.gemm=own -cp "$cp" org.sparkgrad.bench.GpuTrainingBenchmark --python none \
    --steps 200 > "$OUT/profile.log" 2>&1 || status=1
  tail -n 8 "$OUT/profile.log"
fi

echo "== training benchmark beside PyTorch (own SGEMM forced)"
timeout 200 "$java" -Xmx6g -Dsparkgrad.cuda.gemm=own -cp "$cp" \
  org.sparkgrad.bench.GpuTrainingBenchmark --python "${PYTHON:-python3}" \
  > "$OUT/benchmark.log" 2>&1 || status=1
cat "$OUT/benchmark.log"
exit $status
RUN
chmod +x "$bundle/run.sh"

echo "== .gpu-bundle: $(du -sh "$bundle" | cut -f1) ($(du -sb "$bundle" | cut -f1) bytes); jre $(du -sh "$bundle/jre" | cut -f1)"
du -sh "$bundle"/lib/* | sed 's|'"$bundle"'/||'
