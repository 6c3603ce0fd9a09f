package org.sparkgrad.backend.cpu;

/**
 * Max, min and argmax of a float {@code [outer, n, inner]} array along {@code n}, on the arrays
 * themselves: the generic reduction reads each element through a virtual {@code get} as a double,
 * which made the max over pooling windows the largest Java term of a CNN's training step. The inner
 * axis is the loop's innermost, so a row of {@code inner} running extrema is updated from each
 * contiguous input row. NaN wins and otherwise the first extremum is kept, as in PyTorch.
 */
final class FloatExtrema {
  private FloatExtrema() {}

  /**
   * Writes the extrema to {@code values} or their positions along {@code n} to {@code positions}
   * (whichever is not null); {@code min} picks the minimum instead of the maximum.
   */
  static void max(
      float[] x, int outer, int n, int inner, float[] values, long[] positions, boolean min) {
    float[] acc = values != null ? values : new float[outer * inner];
    for (int o = 0; o < outer; o++) {
      int base = o * n * inner;
      int dst = o * inner;
      System.arraycopy(x, base, acc, dst, inner);
      if (positions != null) {
        java.util.Arrays.fill(positions, dst, dst + inner, 0L);
      }
      for (int j = 1; j < n; j++) {
        int row = base + j * inner;
        if (positions == null) {
          row(x, row, acc, dst, inner, min);
        } else {
          rowWithPosition(x, row, acc, positions, dst, inner, j, min);
        }
      }
    }
  }

  private static void row(float[] x, int row, float[] acc, int dst, int inner, boolean min) {
    for (int i = 0; i < inner; i++) {
      float a = acc[dst + i];
      float v = x[row + i];
      boolean better = min ? v < a : v > a;
      // NaN wins: a NaN accumulator stays, a NaN value replaces it.
      if (!Float.isNaN(a) && (better || Float.isNaN(v))) {
        acc[dst + i] = v;
      }
    }
  }

  private static void rowWithPosition(
      float[] x, int row, float[] acc, long[] pos, int dst, int inner, int j, boolean min) {
    for (int i = 0; i < inner; i++) {
      float a = acc[dst + i];
      float v = x[row + i];
      boolean better = min ? v < a : v > a;
      if (!Float.isNaN(a) && (better || Float.isNaN(v))) {
        acc[dst + i] = v;
        pos[dst + i] = j;
      }
    }
  }
}
