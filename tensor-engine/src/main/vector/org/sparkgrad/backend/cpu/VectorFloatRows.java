package org.sparkgrad.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatRows} on the incubating Vector API, 256 bits wide (8 floats, 4 doubles: full speed on
 * AVX2 as on AVX-512; a 512-bit species would run a row of 11 floats entirely in its scalar tail).
 * Compiled apart from the rest of the engine (javac's "incubating module" warning cannot be
 * silenced otherwise) and loaded only when {@code jdk.incubator.vector} is in the JVM. The same
 * bits as the scalar loops: the sum's 16 partials are four vectors of four doubles, lanes in
 * element order.
 */
final class VectorFloatRows extends FloatRows {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;

  @Override
  public void addInto(float[] dst, int d, float[] src, int s, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      FloatVector.fromArray(F, dst, d + i)
          .add(FloatVector.fromArray(F, src, s + i))
          .intoArray(dst, d + i);
    }
    for (; i < n; i++) {
      dst[d + i] += src[s + i];
    }
  }

  /** Whole vectors, the last one ending at {@code n} (overlapping its predecessor). */
  @Override
  public void copy(float[] src, int s, float[] dst, int d, int n) {
    if (n < 8) {
      for (int i = 0; i < n; i++) {
        dst[d + i] = src[s + i];
      }
      return;
    }
    for (int i = 0; i < n - 8; i += 8) {
      FloatVector.fromArray(F, src, s + i).intoArray(dst, d + i);
    }
    FloatVector.fromArray(F, src, s + n - 8).intoArray(dst, d + n - 8);
  }

  @Override
  public double sum(float[] x, int base, int n) {
    DoubleVector s0 = DoubleVector.zero(D);
    DoubleVector s1 = DoubleVector.zero(D);
    DoubleVector s2 = DoubleVector.zero(D);
    DoubleVector s3 = DoubleVector.zero(D);
    int j = base;
    int end = base + n;
    for (; j + PARTIALS <= end; j += PARTIALS) {
      FloatVector lo = FloatVector.fromArray(F, x, j);
      FloatVector hi = FloatVector.fromArray(F, x, j + 8);
      s0 = s0.add((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 0));
      s1 = s1.add((DoubleVector) lo.convertShape(VectorOperators.F2D, D, 1));
      s2 = s2.add((DoubleVector) hi.convertShape(VectorOperators.F2D, D, 0));
      s3 = s3.add((DoubleVector) hi.convertShape(VectorOperators.F2D, D, 1));
    }
    // The tail into partial 0 (lane 0 of s0), then the pairwise folds: 8 wide (s0 + s2, s1 + s3)
    // and 4 wide in vectors, 2 and 1 wide on lanes; no array, so nothing is allocated per row.
    double p0 = s0.lane(0);
    for (; j < end; j++) {
      p0 += x[j];
    }
    DoubleVector t1 = s1.add(s3);
    DoubleVector u = s0.add(s2).add(t1);
    double u0 = (p0 + s2.lane(0)) + t1.lane(0);
    return (u0 + u.lane(2)) + (u.lane(1) + u.lane(3));
  }

  // The pool's two kernels are apart, and each short, because C2 inlines a bounded amount of
  // bytecode into one compilation and the Vector API's calls are deep: past that bound the last
  // operations stay calls, their vectors are boxed, and the kernel runs slower than scalar code.

  @Override
  public int reluPoolValues(float[] a, float[] b, float[] c, float[] d, int n, float[] out, int o) {
    int k = 0;
    for (; k + POOL_RUN <= n; k += POOL_RUN) {
      FloatVector m =
          FloatVector.fromArray(F, a, k)
              .max(FloatVector.fromArray(F, b, k))
              .max(FloatVector.fromArray(F, c, k).max(FloatVector.fromArray(F, d, k)))
              .max(0f);
      if (m.test(VectorOperators.IS_NAN).anyTrue()) {
        return k;
      }
      m.intoArray(out, o + k);
    }
    return k;
  }

  @Override
  public void reluPoolIndices(
      float[] a, float[] b, float[] c, float[] d, int[] base, int n, int w, int[] argmax, int o) {
    checkRuns(n);
    for (int k = 0; k < n; k += POOL_RUN) {
      IntVector ka = reluKeys(a, k);
      IntVector kb = reluKeys(b, k);
      IntVector kc = reluKeys(c, k);
      IntVector kd = reluKeys(d, k);
      IntVector topRight = ka.sub(kb).lanewise(VectorOperators.LSHR, 31);
      IntVector bottomRight = kc.sub(kd).lanewise(VectorOperators.LSHR, 31);
      IntVector down = ka.max(kb).sub(kc.max(kd)).lanewise(VectorOperators.ASHR, 31);
      IntVector.fromArray(I, base, k)
          .add(topRight)
          .add(bottomRight.sub(topRight).add(w).and(down))
          .intoArray(argmax, o + k);
    }
  }

  @Override
  public boolean signsClear(float[] v, int n) {
    IntVector bits = IntVector.zero(I);
    int i = 0;
    for (; i + POOL_RUN <= n; i += POOL_RUN) {
      bits = bits.or(FloatVector.fromArray(F, v, i).reinterpretAsInts());
    }
    int tail = 0;
    for (; i < n; i++) {
      tail |= Float.floatToRawIntBits(v[i]);
    }
    return (bits.reduceLanes(VectorOperators.OR) | tail) >= 0;
  }

  private static IntVector reluKeys(float[] v, int k) {
    return FloatVector.fromArray(F, v, k).reinterpretAsInts().max(0);
  }
}
