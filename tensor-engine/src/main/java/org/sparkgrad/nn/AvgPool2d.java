package org.sparkgrad.nn;

import java.util.Arrays;
import org.sparkgrad.tensor.Tensor;

/**
 * 2-D average pooling over square windows, as PyTorch's {@code nn.AvgPool2d} with its defaults
 * ({@code ceil_mode=False}, {@code count_include_pad=True}): each output is the mean of the {@code
 * kernelSize * kernelSize} inputs of its window, padded positions counting as zeros. Composed from
 * {@link Tensor#im2col} and a mean, so autograd derives the gradient (each input receives {@code 1
 * / kernelSize^2} of the gradient of every window it lies in).
 *
 * <p>Does not offer {@code ceil_mode}, {@code count_include_pad=False} or {@code divisor_override}.
 *
 * <p>Shape: input {@code [N, C, H, W]}; output {@code [N, C, OH, OW]} with {@code OH = (H + 2
 * padding - kernel) / stride + 1}, likewise {@code OW}.
 */
public final class AvgPool2d extends Module {
  private final int kernelSize;
  private final int stride;
  private final int padding;

  /** Non-overlapping windows: {@code stride = kernelSize}, no padding. */
  public AvgPool2d(int kernelSize) {
    this(kernelSize, kernelSize, 0);
  }

  /**
   * Windows {@code stride} apart over an input padded with zeros by {@code padding} on each side.
   *
   * @param padding at most {@code kernelSize / 2}, as PyTorch requires
   */
  public AvgPool2d(int kernelSize, int stride, int padding) {
    Init.checkPool("AvgPool2d", kernelSize, stride, padding);
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding;
  }

  @Override
  public Tensor forward(Tensor input) {
    if (input.dim() != 4) {
      throw new IllegalArgumentException(
          "AvgPool2d: expected a 4-D input [N, C, H, W], got shape "
              + Arrays.toString(input.shape()));
    }
    int n = input.size(0);
    int c = input.size(1);
    int h = input.size(2);
    int w = input.size(3);
    if (h + 2 * padding < kernelSize || w + 2 * padding < kernelSize) {
      throw new IllegalArgumentException(
          "AvgPool2d: kernel size "
              + kernelSize
              + " is larger than the padded input of shape "
              + Arrays.toString(input.shape())
              + " with padding "
              + padding);
    }
    int oh = (h + 2 * padding - kernelSize) / stride + 1;
    int ow = (w + 2 * padding - kernelSize) / stride + 1;
    // Each channel pooled alone: [N*C, 1, H, W] -> [N*C, k*k, OH*OW] (zeros where padded).
    Tensor cols =
        Tensor.im2col(input.reshape(n * c, 1, h, w), kernelSize, kernelSize, stride, padding);
    return cols.mean(1, false).reshape(n, c, oh, ow);
  }

  @Override
  protected String extraRepr() {
    return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding;
  }
}
