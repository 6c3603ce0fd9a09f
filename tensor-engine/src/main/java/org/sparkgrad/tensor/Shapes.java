package org.sparkgrad.tensor;

import java.util.Arrays;

/** Shape arithmetic: sizes, strides, broadcasting, axis normalisation. */
final class Shapes {
  private Shapes() {}

  static int numel(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " has " + n + " elements; the limit is 2^31 - 9");
    }
    return (int) n;
  }

  static int[] contiguousStrides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      s[d] = acc;
      acc *= shape[d];
    }
    return s;
  }

  /** The broadcast shape of {@code a} and {@code b}, as NumPy and PyTorch define it. */
  static int[] broadcast(int[] a, int[] b) {
    int r = Math.max(a.length, b.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i < r - a.length ? 1 : a[i - (r - a.length)];
      int db = i < r - b.length ? 1 : b[i - (r - b.length)];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            "shapes "
                + Arrays.toString(a)
                + " and "
                + Arrays.toString(b)
                + " cannot be broadcast: dimension "
                + i
                + " is "
                + da
                + " vs "
                + db);
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** Strides that read {@code shape} (contiguous) as if it had {@code target}'s shape. */
  static int[] broadcastStrides(int[] shape, int[] target) {
    int[] own = contiguousStrides(shape);
    int[] s = new int[target.length];
    int lead = target.length - shape.length;
    if (lead < 0) {
      throw new IllegalArgumentException(
          "cannot broadcast " + Arrays.toString(shape) + " to " + Arrays.toString(target));
    }
    for (int i = 0; i < target.length; i++) {
      if (i < lead) {
        s[i] = 0;
      } else {
        int d = shape[i - lead];
        if (d == target[i]) {
          s[i] = own[i - lead];
        } else if (d == 1) {
          s[i] = 0;
        } else {
          throw new IllegalArgumentException(
              "cannot broadcast " + Arrays.toString(shape) + " to " + Arrays.toString(target));
        }
      }
    }
    return s;
  }

  /** A possibly negative axis, checked against {@code rank}. */
  static int axis(int dim, int rank) {
    int d = dim < 0 ? dim + rank : dim;
    if (d < 0 || d >= Math.max(rank, 1)) {
      throw new IndexOutOfBoundsException(
          "dimension " + dim + " is out of range for a tensor of rank " + rank);
    }
    return d;
  }

  /** Product of {@code shape[from..to)}. */
  static int prod(int[] shape, int from, int to) {
    int p = 1;
    for (int i = from; i < to; i++) {
      p *= shape[i];
    }
    return p;
  }

  static String str(int[] shape) {
    return Arrays.toString(shape);
  }
}
