package org.sparkgrad.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
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
    double[] s = new double[PARTIALS];
    s0.intoArray(s, 0);
    s1.intoArray(s, 4);
    s2.intoArray(s, 8);
    s3.intoArray(s, 12);
    for (; j < end; j++) {
      s[0] += x[j];
    }
    return combine(s);
  }
}
