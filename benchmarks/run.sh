#!/usr/bin/env bash
# Runs a benchmark program of this module with the JVM options Spark 4 needs on Java 17 and with
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset (they force AVX2 kernels on both sides).
# Build first:  mvn -B -q package -DskipTests -pl benchmarks -am
# Usage:  benchmarks/run.sh CLASS [ARGS...]
#   benchmarks/run.sh org.sparkgrad.bench.FashionMnistRace --quick
#   benchmarks/run.sh org.openjdk.jmh.Main 'SparkStepJmh' -f 1 -wi 2 -i 3
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -lt 1 ]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
if ! ls "$here"/target/sparkgrad-benchmarks-*.jar >/dev/null 2>&1 || [ ! -d "$here/target/lib" ]; then
  echo "benchmarks not built; run: mvn -B -q package -DskipTests -pl benchmarks -am" >&2
  exit 2
fi
main="$1"
shift
# -XX:+AlwaysPreTouch as conf/spark-defaults.conf.template recommends: without it a fresh JVM
# page-faults through its heap as training allocates (docs/PERFORMANCE.md).
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java ${BENCH_JAVA_OPTS:--Xmx6g -XX:+AlwaysPreTouch} \
  --add-modules jdk.incubator.vector \
  -XX:+IgnoreUnrecognizedVMOptions \
  --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
  --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
  --add-opens=java.base/sun.security.action=ALL-UNNAMED \
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
  -Djdk.reflect.useDirectMethodHandle=false \
  -Dio.netty.tryReflectionSetAccessible=true \
  -cp "$here/target/classes:$here/target/lib/*" "$main" "$@"
