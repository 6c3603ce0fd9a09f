package org.sparkgrad.data;

import java.util.Arrays;
import org.sparkgrad.backend.cpu.CpuStorage;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/**
 * Copies rows between flat host arrays ({@code float[]}, {@code double[]} or {@code long[]}): one
 * output array per field and one {@link System#arraycopy} per row, with no per-row tensor ops.
 */
final class Rows {
  private Rows() {}

  /** The host array behind {@code t}: the CPU storage itself, or a copy from another device. */
  static Object hostArray(Tensor t) {
    if (t.storage() instanceof CpuStorage s) {
      return switch (t.dtype()) {
        case FLOAT32 -> s.floats();
        case FLOAT64 -> s.doubles();
        case INT64 -> s.longs();
      };
    }
    return switch (t.dtype()) {
      case FLOAT32 -> t.toFloatArray();
      case FLOAT64 -> t.toDoubleArray();
      case INT64 -> t.toLongArray();
    };
  }

  /** A new CPU tensor of {@code shape} and the array it owns, to be filled in place. */
  static Tensor allocate(DType dtype, int[] shape) {
    return Tensor.zeros(dtype, shape);
  }

  /** The array a tensor made by {@link #allocate} owns. */
  static Object target(Tensor t) {
    return hostArray(t);
  }

  /** {@code [n] + rowShape}. */
  static int[] withBatch(int n, int[] rowShape) {
    int[] s = new int[rowShape.length + 1];
    s[0] = n;
    System.arraycopy(rowShape, 0, s, 1, rowShape.length);
    return s;
  }

  /** The shape of one row of {@code shape}: all but the first dimension. */
  static int[] rowShape(int[] shape) {
    return Arrays.copyOfRange(shape, 1, shape.length);
  }

  /**
   * Copies rows {@code indices} of {@code src} (rows of {@code rowSize}) to {@code dst} in order.
   */
  static void gather(Object src, int rowSize, int[] indices, Object dst) {
    if (rowSize == 1) {
      // One element per row (labels, targets): a plain loop beats arraycopy's call overhead.
      if (src instanceof float[] s) {
        float[] d = (float[]) dst;
        for (int j = 0; j < indices.length; j++) {
          d[j] = s[indices[j]];
        }
      } else if (src instanceof double[] s) {
        double[] d = (double[]) dst;
        for (int j = 0; j < indices.length; j++) {
          d[j] = s[indices[j]];
        }
      } else {
        long[] s = (long[]) src;
        long[] d = (long[]) dst;
        for (int j = 0; j < indices.length; j++) {
          d[j] = s[indices[j]];
        }
      }
      return;
    }
    for (int j = 0; j < indices.length; j++) {
      System.arraycopy(src, indices[j] * rowSize, dst, j * rowSize, rowSize);
    }
  }
}
