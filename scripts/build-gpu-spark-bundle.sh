#!/usr/bin/env bash
# Builds the estimators' GPU check bundle: Spark, the estimators and a Java runtime for a GPU
# machine that has no Java, no Maven and no network (see DEVICE.md in the project notes), split
# into parts that each fit one device call's transfer limit:
#
#   .gpu-bundle/spark-part1/, .gpu-bundle/spark-part2/, ...   (about 55 MB each)
#
# What goes in: only the jars whose classes a local[2] fit and transform load (found by running
# GpuFitCheck here on the CPU with -verbose:class), unpacked and merged into one class tree (their
# META-INF/services files concatenated, not overwritten), the project's modules' classes, JCuda's
# classes and its driver binding, and a jlinked runtime with the modules Spark needs; all of it as
# one `tar | xz -9` stream, which is then split. scripts/gpu-fit-check.sh joins the parts and runs
# the check there.
#
# Usage (from anywhere): scripts/build-gpu-spark-bundle.sh   (MVN_OFFLINE= allows downloads;
# SKIP_BUILD=1 uses the classes already compiled)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
parts_dir="$root/.gpu-bundle"
part_bytes=${PART_BYTES:-55000000}
mvn_flags=(-B -q ${MVN_OFFLINE--o})
modules=(tensor-engine spark-plugin estimators benchmarks)
cd "$root"

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "== compiling the modules"
  mvn "${mvn_flags[@]}" -pl benchmarks -am compile -Dspotless.check.skip=true
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mvn "${mvn_flags[@]}" -pl benchmarks dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$work/cp.txt" > /dev/null
# The project's own modules come from their target/classes, never from jars in ~/.m2.
deps="$(tr ':' '\n' < "$work/cp.txt" | grep -v '/sparkgrad-[a-z-]*/' | paste -sd: -)"
classes=""
for m in "${modules[@]}"; do classes="$classes:$root/$m/target/classes"; done
opens="$(grep -o '"--add-[^"]*"' benchmarks/src/main/java/org/sparkgrad/bench/JvmOptions.java \
  | tr -d '"' | paste -sd' ' -)"

echo "== tracing the classes a CPU fit loads"
# shellcheck disable=SC2086
java $opens -Xmx2g -verbose:class -cp "${classes#:}:$deps" org.sparkgrad.bench.GpuFitCheck \
  --devices cpu,cpu --rows 512 --epochs 1 > "$work/trace.log" 2>&1 \
  || { tail -n 30 "$work/trace.log"; exit 1; }
grep -o 'source: \(jar:\)\?file:[^ ]*\.jar' "$work/trace.log" | sed 's/^source: //; s/^jar://; s/^file://' \
  | sort -u > "$work/jars.txt"
# Found at run time on the GPU only: JCuda (the CPU run never loads it).
tr ':' '\n' <<< "$deps" | grep -E '/jcuda-[0-9.]+\.jar$|/jcublas-[0-9.]+\.jar$' >> "$work/jars.txt"
echo "   $(wc -l < "$work/jars.txt") jars, $(cat "$work/jars.txt" | xargs du -cb | tail -1 | cut -f1) bytes"

echo "== merging them into one class tree"
stage="$work/stage"
mkdir -p "$stage/classes" "$work/services"
while read -r jar; do
  (cd "$stage/classes" && unzip -q -o "$jar" -x 'META-INF/*.SF' 'META-INF/*.RSA' 'META-INF/*.DSA' \
    'META-INF/services/*' 'META-INF/MANIFEST.MF' 'module-info.class')
  rm -rf "$work/one" && mkdir -p "$work/one"
  (cd "$work/one" && unzip -q -o "$jar" 'META-INF/services/*' 2> /dev/null || true)
  if [ -d "$work/one/META-INF/services" ]; then
    for f in "$work/one/META-INF/services"/*; do
      cat "$f" >> "$work/services/$(basename "$f")"
      echo >> "$work/services/$(basename "$f")"
    done
  fi
done < "$work/jars.txt"
# JCuda's driver binding only (its natives jar also carries NVRTC and the runtime: 25 MB).
natives="$(tr ':' '\n' <<< "$deps" | grep -E '/jcuda-natives-.*linux-x86_64\.jar$')"
(cd "$stage/classes" && unzip -q -o "$natives" 'lib/libJCudaDriver-*')
for m in "${modules[@]}"; do
  cp -r "$root/$m/target/classes/." "$stage/classes/"
  if [ -d "$root/$m/target/classes/META-INF/services" ]; then
    for f in "$root/$m/target/classes/META-INF/services"/*; do
      cat "$f" >> "$work/services/$(basename "$f")"
      echo >> "$work/services/$(basename "$f")"
    done
  fi
done
rm -rf "$stage/classes/META-INF/services"
mkdir -p "$stage/classes/META-INF/services"
cp "$work/services"/* "$stage/classes/META-INF/services/"
# Natives of other platforms inside the jars (snappy, zstd, lz4, leveldb, ...): not loaded there.
find "$stage/classes" -type d \( -iname '*darwin*' -o -iname '*win32*' -o -iname '*windows*' \
  -o -iname '*aarch64*' -o -iname '*ppc64*' -o -iname '*s390x*' -o -iname '*freebsd*' \
  -o -iname '*mac*' -o -iname '*arm*' \) -path '*/native*' -prune -exec rm -rf {} + 2> /dev/null || true
cp "$root/scripts/gpu-fit-check.sh" "$stage/"
echo "   $(du -sh "$stage/classes" | cut -f1) unpacked"

echo "== linking a Java runtime with the modules Spark uses"
jlink --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,java.sql,java.naming,java.desktop,java.security.jgss,java.security.sasl,jdk.security.auth,java.xml,java.scripting,java.compiler,java.instrument,jdk.jfr,jdk.incubator.vector,java.net.http,jdk.crypto.ec,java.rmi,java.transaction.xa,jdk.net,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --output "$stage/jre" 2>&1 | grep -v 'incubator modules' || true

echo "== compressing (xz -9) and splitting into parts of $part_bytes bytes"
rm -rf "$parts_dir"/spark-part*
mkdir -p "$parts_dir"
tar -C "$stage" -cf - . | xz -9 -T2 | split -b "$part_bytes" -d -a 2 - "$work/spark.tar.xz."
n=0
for chunk in "$work"/spark.tar.xz.*; do
  n=$((n + 1))
  mkdir -p "$parts_dir/spark-part$n"
  mv "$chunk" "$parts_dir/spark-part$n/"
done
du -sb "$parts_dir"/spark-part* | awk '{printf "   %s %d bytes\n", $2, $1}'
echo "== done: $n parts; carry each in its own device call (see docs/CUDA.md)"
