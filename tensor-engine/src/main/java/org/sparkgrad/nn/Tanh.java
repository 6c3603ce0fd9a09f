package org.sparkgrad.nn;

import org.sparkgrad.tensor.Tensor;

/**
 * The hyperbolic tangent elementwise, as PyTorch's {@code nn.Tanh}.
 *
 * <p>Shape: any input; the output has the same shape.
 */
public final class Tanh extends Module {
  /** The activation. */
  public Tanh() {}

  @Override
  public Tensor forward(Tensor input) {
    return F.tanh(input);
  }
}
