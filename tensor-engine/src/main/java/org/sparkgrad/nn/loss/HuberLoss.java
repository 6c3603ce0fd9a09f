package org.sparkgrad.nn.loss;

import org.sparkgrad.tensor.Tensor;

/**
 * The Huber loss, as PyTorch's {@code HuberLoss}: with {@code z_i = |x_i - y_i|},
 *
 * <pre>
 *   l_i = 0.5 z_i^2                    if z_i &lt; delta
 *   l_i = delta (z_i - 0.5 delta)      otherwise
 * </pre>
 *
 * reduced by mean (the default), sum or none: quadratic near the target, linear far from it.
 *
 * <p>Shape: input and target of the same shape and floating-point dtype; the output is 0-d, or the
 * input's shape with {@link Reduction#NONE}.
 */
public final class HuberLoss extends Loss {
  private final double delta;

  /** The mean Huber loss with {@code delta = 1}. */
  public HuberLoss() {
    this(Reduction.MEAN, 1.0);
  }

  /**
   * The Huber loss with the given reduction and threshold.
   *
   * @param delta where the loss turns from quadratic to linear; must be &gt; 0
   */
  public HuberLoss(Reduction reduction, double delta) {
    super(reduction);
    if (!(delta > 0)) {
      throw new IllegalArgumentException("HuberLoss: delta must be > 0, got " + delta);
    }
    this.delta = delta;
  }

  /** The threshold between the quadratic and linear parts. */
  public double delta() {
    return delta;
  }

  @Override
  public Tensor forward(Tensor input, Tensor target) {
    checkSameShape("HuberLoss", input, target);
    Tensor d = input.sub(target);
    Tensor z = d.abs();
    Tensor quadratic = d.mul(d).mul(0.5);
    Tensor linear = z.sub(0.5 * delta).mul(delta);
    return reduce(Tensor.where(z.lt(delta), quadratic, linear), reduction());
  }
}
