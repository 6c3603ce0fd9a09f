package org.sparkgrad.nn;

import org.sparkgrad.tensor.FusedOps;
import org.sparkgrad.tensor.Tensor;

/**
 * 2-D max pooling over square windows, as PyTorch's {@code nn.MaxPool2d} (dilation 1, floor mode):
 * each output is the largest input in its window; padded positions count as {@code -inf}, so they
 * never win. The gradient goes to the first largest element of each window.
 *
 * <p>Shape: input {@code [N, C, H, W]}; output {@code [N, C, OH, OW]} with {@code OH = (H + 2
 * padding - kernel) / stride + 1}, likewise {@code OW}.
 */
public final class MaxPool2d extends Module {
  private final int kernelSize;
  private final int stride;
  private final int padding;

  /** Non-overlapping windows: {@code stride = kernelSize}, no padding. */
  public MaxPool2d(int kernelSize) {
    this(kernelSize, kernelSize, 0);
  }

  /** Windows {@code stride} apart, no padding. */
  public MaxPool2d(int kernelSize, int stride) {
    this(kernelSize, stride, 0);
  }

  /**
   * Windows {@code stride} apart over an input padded by {@code padding} on each side.
   *
   * @param padding at most {@code kernelSize / 2}, as PyTorch requires
   */
  public MaxPool2d(int kernelSize, int stride, int padding) {
    Init.checkPool("MaxPool2d", kernelSize, stride, padding);
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding;
  }

  @Override
  public Tensor forward(Tensor input) {
    return F.maxPool2d(input, kernelSize, stride, padding);
  }

  /**
   * This pool of {@code relu(input)}, fused ({@link FusedOps#reluMaxPool2d}: the same values and
   * gradients bit for bit, without ReLU's output and its gradient); what {@link Sequential} runs
   * for {@code ReLU} then {@code MaxPool2d}.
   */
  Tensor forwardAfterRelu(Tensor input) {
    return FusedOps.reluMaxPool2d(input, kernelSize, stride, padding);
  }

  @Override
  protected String extraRepr() {
    return "kernel_size="
        + kernelSize
        + ", stride="
        + stride
        + ", padding="
        + padding
        + ", dilation=1, ceil_mode=False";
  }
}
