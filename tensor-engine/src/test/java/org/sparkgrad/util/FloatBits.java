package org.sparkgrad.util;

import org.sparkgrad.tensor.Tensor;

/** Raw bits of float values, for tests that compare results bit for bit (signed zeros, NaN). */
public final class FloatBits {
  private FloatBits() {}

  /** {@code Float.floatToRawIntBits} of each element. */
  public static int[] of(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }

  /** The bits of a float32 tensor's elements, in order. */
  public static int[] of(Tensor t) {
    return of(t.toFloatArray());
  }
}
