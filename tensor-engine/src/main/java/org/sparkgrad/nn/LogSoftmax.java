package org.sparkgrad.nn;

import org.sparkgrad.tensor.Tensor;

/**
 * {@code log(softmax(x))} along {@code dim}, computed stably, as PyTorch's {@code nn.LogSoftmax}.
 *
 * <p>Shape: any input with a dimension {@code dim}; the output has the same shape.
 */
public final class LogSoftmax extends Module {
  private final int dim;

  /** Along {@code dim} (negative counts from the end). */
  public LogSoftmax(int dim) {
    this.dim = dim;
  }

  /** The dimension normalised over. */
  public int dim() {
    return dim;
  }

  @Override
  public Tensor forward(Tensor input) {
    return F.logSoftmax(input, dim);
  }

  @Override
  protected String extraRepr() {
    return "dim=" + dim;
  }
}
