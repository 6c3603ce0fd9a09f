package org.sparkgrad.backend.cpu;

import org.sparkgrad.backend.Layout;

/** Walks an n-d strided iteration space one innermost row at a time. */
final class Rows {
  /** Receives, for one row, each operand's offset at the row's start and the row's length. */
  interface RowFn {
    void row(int[] offsets, int length);
  }

  private Rows() {}

  /** Contiguous row-major strides of {@code shape}. */
  static int[] contiguous(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      s[d] = acc;
      acc *= shape[d];
    }
    return s;
  }

  /** Calls {@code fn} for each innermost row of {@code layout}, starting at {@code base}. */
  static void forEach(Layout layout, int[] base, RowFn fn) {
    int[] shape = layout.shape;
    int[][] strides = layout.strides;
    int r = shape.length;
    int ops = strides.length;
    int inner = shape[r - 1];
    int[] off = base.clone();
    int rows = layout.size() / Math.max(inner, 1);
    if (inner == 0) {
      return;
    }
    int[] idx = new int[r];
    for (int row = 0; row < rows; row++) {
      fn.row(off, inner);
      for (int d = r - 2; d >= 0; d--) {
        idx[d]++;
        for (int o = 0; o < ops; o++) {
          off[o] += strides[o][d];
        }
        if (idx[d] < shape[d]) {
          break;
        }
        for (int o = 0; o < ops; o++) {
          off[o] -= strides[o][d] * shape[d];
        }
        idx[d] = 0;
      }
    }
  }
}
