package org.sparkgrad.backend;

import java.util.Arrays;

/**
 * Simplifies strided n-d iteration for kernels: drops size-1 axes and merges adjacent axes that are
 * contiguous with each other in every operand, so that same-shape operands become one flat loop and
 * a bias broadcast becomes two loops.
 */
public final class Layout {
  /** The merged shape; never empty. */
  public final int[] shape;

  /** The merged strides, one array per operand, each of {@code shape.length}. */
  public final int[][] strides;

  private Layout(int[] shape, int[][] strides) {
    this.shape = shape;
    this.strides = strides;
  }

  /** Merges the axes of {@code shape} for the given operands' strides. */
  public static Layout coalesce(int[] shape, int[]... operandStrides) {
    int ops = operandStrides.length;
    int[] s = new int[shape.length];
    int[][] st = new int[ops][shape.length];
    int r = 0;
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] == 1) {
        continue;
      }
      if (r > 0 && mergeable(st, r - 1, operandStrides, d, shape[d])) {
        s[r - 1] *= shape[d];
        for (int o = 0; o < ops; o++) {
          st[o][r - 1] = operandStrides[o][d];
        }
        continue;
      }
      s[r] = shape[d];
      for (int o = 0; o < ops; o++) {
        st[o][r] = operandStrides[o][d];
      }
      r++;
    }
    if (r == 0) {
      // A single element: one axis of size 1 keeps the kernels' loops simple.
      return new Layout(new int[] {1}, new int[ops][1]);
    }
    int[][] fst = new int[ops][];
    for (int o = 0; o < ops; o++) {
      fst[o] = Arrays.copyOf(st[o], r);
    }
    return new Layout(Arrays.copyOf(s, r), fst);
  }

  /**
   * The merged axis {@code prev} and axis {@code d} merge if, for every operand, one step along
   * {@code prev} equals a whole sweep along {@code d}.
   */
  private static boolean mergeable(int[][] merged, int prev, int[][] strides, int d, int sizeD) {
    for (int o = 0; o < strides.length; o++) {
      if (merged[o][prev] != strides[o][d] * sizeD) {
        return false;
      }
    }
    return true;
  }

  /** Number of elements. */
  public int size() {
    int n = 1;
    for (int x : shape) {
      n *= x;
    }
    return n;
  }
}
