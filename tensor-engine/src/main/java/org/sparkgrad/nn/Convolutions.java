package org.sparkgrad.nn;

import java.util.Arrays;
import org.sparkgrad.tensor.Tensor;

/**
 * 2-D convolution ({@link Tensor#conv2d}: one GEMM over the batch's patches) and max pooling over
 * {@link Tensor#im2col} patches (a max over each patch).
 */
final class Convolutions {
  private Convolutions() {}

  static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
    return Tensor.conv2d(x, weight, bias, stride, padding);
  }

  static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
    if (x.dim() != 4) {
      throw new IllegalArgumentException(
          "maxPool2d: expected a 4-D input [N, C, H, W], got shape " + Arrays.toString(x.shape()));
    }
    if (kernel <= 0 || stride <= 0) {
      throw new IllegalArgumentException(
          "maxPool2d: kernel size and stride must be > 0, got kernel "
              + kernel
              + ", stride "
              + stride);
    }
    if (padding < 0 || padding > kernel / 2) {
      throw new IllegalArgumentException(
          "maxPool2d: padding must be in [0, kernel_size / 2] = [0, "
              + kernel / 2
              + "], got "
              + padding);
    }
    int n = x.size(0);
    int c = x.size(1);
    int h = x.size(2);
    int w = x.size(3);
    int oh = outSize(h, kernel, stride, padding);
    int ow = outSize(w, kernel, stride, padding);
    // Each channel pooled alone: [N*C, 1, H, W] -> [N*C, k*k, OH*OW], then a max over the patch.
    Tensor cols = Tensor.im2col(x.reshape(n * c, 1, h, w), kernel, kernel, stride, padding);
    if (padding > 0) {
      // Padding takes part as -inf, as in PyTorch: mark the padded positions with a ones image.
      Tensor inside =
          Tensor.im2col(Tensor.ones(1, 1, h, w).to(x.dtype()), kernel, kernel, stride, padding)
              .to(x.device());
      Tensor minusInf = Tensor.full(Double.NEGATIVE_INFINITY, x.dtype()).to(x.device());
      cols = Tensor.where(inside, cols, minusInf);
    }
    return cols.max(1, false).reshape(n, c, oh, ow);
  }

  private static int outSize(int size, int kernel, int stride, int padding) {
    int o = (size + 2 * padding - kernel) / stride + 1;
    if (size + 2 * padding < kernel) {
      throw new IllegalArgumentException(
          "kernel size "
              + kernel
              + " is larger than the padded input size "
              + (size + 2 * padding));
    }
    return o;
  }
}
