package org.sparkgrad.tensor;

/**
 * Converts the host copy of a storage ({@code float[]}, {@code double[]} or {@code long[]}) into
 * the array type a caller asks for: {@link Tensor#toFloatArray()} and its siblings. An array of the
 * asked type is returned as it is (it already is a copy).
 */
final class ElementCopies {
  private ElementCopies() {}

  /** The elements as floats (doubles rounded, longs converted). */
  static float[] floats(Object a) {
    if (a instanceof float[] f) {
      return f;
    }
    if (a instanceof double[] d) {
      float[] out = new float[d.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) d[i];
      }
      return out;
    }
    long[] l = (long[]) a;
    float[] out = new float[l.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = l[i];
    }
    return out;
  }

  /** The elements as doubles (exact for floats, converted for longs). */
  static double[] doubles(Object a) {
    if (a instanceof double[] d) {
      return d;
    }
    if (a instanceof float[] f) {
      double[] out = new double[f.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = f[i];
      }
      return out;
    }
    long[] l = (long[]) a;
    double[] out = new double[l.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = l[i];
    }
    return out;
  }

  /** The elements as longs, floating-point values truncated toward zero. */
  static long[] longs(Object a) {
    if (a instanceof long[] l) {
      return l;
    }
    double[] d = doubles(a);
    long[] out = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = (long) d[i];
    }
    return out;
  }
}
