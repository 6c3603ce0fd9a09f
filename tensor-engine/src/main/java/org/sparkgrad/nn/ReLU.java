package org.sparkgrad.nn;

import org.sparkgrad.tensor.Tensor;

/**
 * {@code max(x, 0)} elementwise, as PyTorch's {@code nn.ReLU}.
 *
 * <p>Shape: any input; the output has the same shape.
 */
public final class ReLU extends Module {
  /** The activation. */
  public ReLU() {}

  @Override
  public Tensor forward(Tensor input) {
    return F.relu(input);
  }
}
