package org.sparkgrad.nn;

import org.sparkgrad.tensor.Tensor;

/**
 * Flattens dimensions {@code startDim..endDim} into one, as PyTorch's {@code nn.Flatten}; by
 * default every dimension but the batch dimension.
 *
 * <p>Shape: {@code [N, C, H, W]} becomes {@code [N, C*H*W]} with the defaults.
 */
public final class Flatten extends Module {
  private final int startDim;
  private final int endDim;

  /** {@code startDim = 1, endDim = -1}. */
  public Flatten() {
    this(1, -1);
  }

  /** Flattens {@code startDim..endDim} (negative values count from the end). */
  public Flatten(int startDim, int endDim) {
    this.startDim = startDim;
    this.endDim = endDim;
  }

  @Override
  public Tensor forward(Tensor input) {
    return input.flatten(startDim, endDim);
  }

  @Override
  protected String extraRepr() {
    return "start_dim=" + startDim + ", end_dim=" + endDim;
  }
}
