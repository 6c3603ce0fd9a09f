package org.sparkgrad.nn.loss;

import org.sparkgrad.tensor.Tensor;

/**
 * The absolute error {@code l_i = |x_i - y_i|}, reduced by mean (the default), sum or none, as
 * PyTorch's {@code L1Loss}. Its gradient at {@code x_i = y_i} is 0.
 *
 * <p>Shape: input and target of the same shape and floating-point dtype; the output is 0-d, or the
 * input's shape with {@link Reduction#NONE}.
 */
public final class L1Loss extends Loss {
  /** The mean absolute error. */
  public L1Loss() {
    this(Reduction.MEAN);
  }

  /** The absolute error with the given reduction. */
  public L1Loss(Reduction reduction) {
    super(reduction);
  }

  @Override
  public Tensor forward(Tensor input, Tensor target) {
    checkSameShape("L1Loss", input, target);
    return reduce(input.sub(target).abs(), reduction());
  }
}
