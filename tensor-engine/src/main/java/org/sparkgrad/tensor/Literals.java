package org.sparkgrad.tensor;

/**
 * Tensors from nested Java arrays, as {@code torch.tensor(data)}: Java's {@code float} and {@code
 * double} values become PyTorch's default float32 (as Python floats do), {@code int} and {@code
 * long} values become int64 (as Python ints do). Rows must all have the same length. Also the
 * {@code rand_like} forms.
 */
final class Literals {
  private Literals() {}

  static Tensor floats(double[] values) {
    float[] v = new float[values.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) values[i];
    }
    return Tensor.of(v);
  }

  static Tensor floats(float[][] rows) {
    int cols = columns(rows);
    float[] v = new float[Math.multiplyExact(rows.length, cols)];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, v, i * cols, cols);
    }
    return Tensor.of(v, rows.length, cols);
  }

  static Tensor floats(double[][] rows) {
    int cols = columns(rows);
    float[] v = new float[Math.multiplyExact(rows.length, cols)];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < cols; j++) {
        v[i * cols + j] = (float) rows[i][j];
      }
    }
    return Tensor.of(v, rows.length, cols);
  }

  static Tensor longs(int[] values) {
    long[] v = new long[values.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = values[i];
    }
    return Tensor.ofLongs(v);
  }

  static Tensor longs(long[][] rows) {
    int cols = columns(rows);
    long[] v = new long[Math.multiplyExact(rows.length, cols)];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, v, i * cols, cols);
    }
    return Tensor.ofLongs(v, rows.length, cols);
  }

  static Tensor longs(int[][] rows) {
    int cols = columns(rows);
    long[] v = new long[Math.multiplyExact(rows.length, cols)];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < cols; j++) {
        v[i * cols + j] = rows[i][j];
      }
    }
    return Tensor.ofLongs(v, rows.length, cols);
  }

  /**
   * {@code values} (float32, CPU) in {@code like}'s dtype and on its device, for the _like forms.
   */
  static Tensor like(Tensor like, String op, Tensor values) {
    if (!like.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          op + " needs a floating-point tensor, got " + like.dtype());
    }
    return values.to(like.dtype()).to(like.device());
  }

  /** The common length of the rows (0 without rows). */
  private static int columns(Object[] rows) {
    int cols = -1;
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null) {
        throw new IllegalArgumentException("tensor: row " + i + " is null");
      }
      int n = java.lang.reflect.Array.getLength(rows[i]);
      if (cols < 0) {
        cols = n;
      } else if (n != cols) {
        throw new IllegalArgumentException(
            "tensor: rows must have the same length, row 0 has "
                + cols
                + ", row "
                + i
                + " has "
                + n);
      }
    }
    return Math.max(cols, 0);
  }
}
