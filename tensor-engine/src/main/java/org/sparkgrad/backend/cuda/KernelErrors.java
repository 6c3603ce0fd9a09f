package org.sparkgrad.backend.cuda;

/** The error codes kernels write into a stream's error record (see {@code common.cuh}). */
final class KernelErrors {
  /** {@code ERR_INDEX_OUT_OF_BOUNDS}: the value is the offending index. */
  static final long INDEX_OUT_OF_BOUNDS = 1;

  /** {@code ERR_INTEGER_DIVISION_BY_ZERO}: the value is the dividend. */
  static final long INTEGER_DIVISION_BY_ZERO = 2;

  private KernelErrors() {}
}
