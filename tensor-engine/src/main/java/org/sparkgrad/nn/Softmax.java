package org.sparkgrad.nn;

import org.sparkgrad.tensor.Tensor;

/**
 * {@code exp(x_i) / sum_j exp(x_j)} along {@code dim}, as PyTorch's {@code nn.Softmax}.
 *
 * <p>Shape: any input with a dimension {@code dim}; the output has the same shape.
 */
public final class Softmax extends Module {
  private final int dim;

  /** Along {@code dim} (negative counts from the end). */
  public Softmax(int dim) {
    this.dim = dim;
  }

  /** The dimension normalised over. */
  public int dim() {
    return dim;
  }

  @Override
  public Tensor forward(Tensor input) {
    return F.softmax(input, dim);
  }

  @Override
  protected String extraRepr() {
    return "dim=" + dim;
  }
}
