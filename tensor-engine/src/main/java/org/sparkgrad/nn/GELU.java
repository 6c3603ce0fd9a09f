package org.sparkgrad.nn;

import org.sparkgrad.tensor.Tensor;

/**
 * The exact Gaussian error linear unit {@code x * Phi(x)}, with {@code Phi} the standard normal
 * CDF, as PyTorch's {@code nn.GELU()} (its default {@code approximate='none'}; the tanh
 * approximation is not offered).
 *
 * <p>Shape: any input; the output has the same shape.
 */
public final class GELU extends Module {
  /** The exact GELU. */
  public GELU() {}

  @Override
  public Tensor forward(Tensor input) {
    return F.gelu(input);
  }

  @Override
  protected String extraRepr() {
    return "approximate='none'";
  }
}
