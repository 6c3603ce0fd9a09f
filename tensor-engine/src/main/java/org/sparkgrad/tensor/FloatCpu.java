package org.sparkgrad.tensor;

import org.sparkgrad.backend.cpu.CpuStorage;

/**
 * The test that sends an op to its one-pass float32 CPU kernel (convolution, pooling, ReLU's
 * backward), and the arrays those kernels read and write. Every tensor is contiguous, so a tensor's
 * values are its storage's array from index 0.
 */
final class FloatCpu {
  private FloatCpu() {}

  /** Whether {@code t} is float32 in CPU memory. */
  static boolean holds(Tensor t) {
    return t.dtype() == DType.FLOAT32 && t.storage() instanceof CpuStorage;
  }

  /** The array of a tensor that {@link #holds} float32 on the CPU. */
  static float[] floats(Tensor t) {
    return ((CpuStorage) t.storage()).floats();
  }
}
