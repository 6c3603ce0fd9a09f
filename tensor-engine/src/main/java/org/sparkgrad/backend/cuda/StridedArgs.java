package org.sparkgrad.backend.cuda;

import org.sparkgrad.backend.Layout;
import org.sparkgrad.backend.Storage;

/**
 * Packs an n-d iteration space for the kernels' {@code Iter} struct ({@code common.cuh}), and
 * checks on the host that every element a kernel will touch lies inside its storage: a stray index
 * on the device is an illegal address that ruins the whole context, not an exception.
 */
final class StridedArgs {
  /** {@code MAX_DIMS} in common.cuh. */
  static final int MAX_DIMS = 16;

  /** {@code MAX_OPS} in common.cuh. */
  static final int MAX_OPS = 3;

  private StridedArgs() {}

  /** The struct's fields: rank, shape[MAX_DIMS], strides[MAX_OPS][MAX_DIMS]. */
  static int[] pack(Layout layout, int operands) {
    int rank = layout.shape.length;
    if (rank > MAX_DIMS) {
      throw new IllegalArgumentException(
          "the CUDA kernels iterate over at most "
              + MAX_DIMS
              + " dimensions after merging contiguous ones, got "
              + rank);
    }
    if (operands > MAX_OPS || operands > layout.strides.length) {
      throw new IllegalArgumentException(
          "at most " + MAX_OPS + " strided operands, got " + operands);
    }
    int[] fields = new int[1 + MAX_DIMS + MAX_OPS * MAX_DIMS];
    fields[0] = rank;
    System.arraycopy(layout.shape, 0, fields, 1, rank);
    for (int k = 0; k < operands; k++) {
      System.arraycopy(layout.strides[k], 0, fields, 1 + MAX_DIMS + k * MAX_DIMS, rank);
    }
    return fields;
  }

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

  static long numel(int[] shape) {
    long n = 1;
    for (int s : shape) {
      if (s < 0) {
        throw new IllegalArgumentException("negative dimension " + s);
      }
      n *= s;
    }
    return n;
  }

  /**
   * Checks that {@code offset + sum(i_d * strides[d])} stays within {@code [0, storage.size())} for
   * every index of {@code shape}.
   */
  static void requireWithin(String what, Storage storage, long offset, int[] strides, int[] shape) {
    if (strides.length != shape.length) {
      throw new IllegalArgumentException(
          what + ": " + strides.length + " strides for " + shape.length + " dimensions");
    }
    if (numel(shape) == 0) {
      return;
    }
    long lo = offset;
    long hi = offset;
    for (int d = 0; d < shape.length; d++) {
      long span = (long) (shape[d] - 1) * strides[d];
      if (span < 0) {
        lo += span;
      } else {
        hi += span;
      }
    }
    if (lo < 0 || hi >= storage.size()) {
      throw new IllegalArgumentException(
          what
              + " reaches elements "
              + lo
              + " to "
              + hi
              + " of a storage of "
              + storage.size()
              + " elements");
    }
  }

  /** Checks that a contiguous run of {@code count} elements from {@code offset} fits. */
  static void requireWithin(String what, Storage storage, long offset, long count) {
    if (count == 0) {
      return;
    }
    if (offset < 0 || offset + count > storage.size()) {
      throw new IllegalArgumentException(
          what
              + " needs elements "
              + offset
              + " to "
              + (offset + count - 1)
              + " of a storage of "
              + storage.size()
              + " elements");
    }
  }
}
