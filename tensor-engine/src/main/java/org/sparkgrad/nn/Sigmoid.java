package org.sparkgrad.nn;

import org.sparkgrad.tensor.Tensor;

/**
 * {@code 1 / (1 + exp(-x))} elementwise, as PyTorch's {@code nn.Sigmoid}.
 *
 * <p>Shape: any input; the output has the same shape.
 */
public final class Sigmoid extends Module {
  /** The activation. */
  public Sigmoid() {}

  @Override
  public Tensor forward(Tensor input) {
    return F.sigmoid(input);
  }
}
