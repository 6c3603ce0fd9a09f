package org.sparkgrad.nn;

import org.sparkgrad.tensor.Tensor;

/**
 * 2-D convolution ({@link Tensor#conv2d}: one GEMM over the batch's patches) and max pooling
 * ({@link Tensor#maxPool2d}: one pass on the CPU).
 */
final class Convolutions {
  private Convolutions() {}

  static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
    return Tensor.conv2d(x, weight, bias, stride, padding);
  }

  static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
    return Tensor.maxPool2d(x, kernel, stride, padding);
  }
}
