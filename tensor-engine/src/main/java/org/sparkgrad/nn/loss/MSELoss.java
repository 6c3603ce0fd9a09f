package org.sparkgrad.nn.loss;

import org.sparkgrad.tensor.Tensor;

/**
 * The squared error {@code l_i = (x_i - y_i)^2}, reduced by mean (the default), sum or none, as
 * PyTorch's {@code MSELoss}.
 *
 * <p>Shape: input and target of the same shape and floating-point dtype; the output is 0-d, or the
 * input's shape with {@link Reduction#NONE}. Unlike PyTorch, a target of another shape is rejected
 * rather than broadcast with a warning.
 */
public final class MSELoss extends Loss {
  /** The mean squared error. */
  public MSELoss() {
    this(Reduction.MEAN);
  }

  /** The squared error with the given reduction. */
  public MSELoss(Reduction reduction) {
    super(reduction);
  }

  @Override
  public Tensor forward(Tensor input, Tensor target) {
    checkSameShape("MSELoss", input, target);
    Tensor d = input.sub(target);
    return reduce(d.mul(d), reduction());
  }
}
