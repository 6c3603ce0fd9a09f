package org.sparkgrad.nn.loss;

import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * The binary cross-entropy between probabilities and targets, as PyTorch's {@code BCELoss}:
 *
 * <pre>
 *   l_i = -w_i [ y_i log(x_i) + (1 - y_i) log(1 - x_i) ]
 * </pre>
 *
 * with each log clamped to {@code >= -100}, so that a probability of exactly 0 or 1 gives a finite
 * loss, and the gradient {@code w_i (x_i - y_i) / max(x_i (1 - x_i), 1e-12)} with respect to the
 * input, as PyTorch computes it. Prefer {@link BCEWithLogitsLoss} on logits: it is more stable.
 *
 * <p>Shape: input (probabilities in [0, 1]) and target of the same shape and floating-point dtype;
 * the optional {@code weight} broadcasts to the input's shape. The output is 0-d, or the input's
 * shape with {@link Reduction#NONE}.
 */
public final class BCELoss extends Loss {
  private static final double EPSILON = 1e-12;
  private final Tensor weight;

  /** The mean binary cross-entropy without weights. */
  public BCELoss() {
    this(null, Reduction.MEAN);
  }

  /**
   * The binary cross-entropy with per-element rescaling weights.
   *
   * @param weight weights broadcast to the input's shape, or null
   */
  public BCELoss(Tensor weight, Reduction reduction) {
    super(reduction);
    checkFloating("BCELoss", "weight", weight);
    this.weight = weight;
  }

  /** The rescaling weights, or null. */
  public Tensor weight() {
    return weight;
  }

  @Override
  public Tensor forward(Tensor input, Tensor target) {
    checkSameShape("BCELoss", input, target);
    double[] p = input.toDoubleArray();
    for (int i = 0; i < p.length; i++) {
      if (!(p[i] >= 0 && p[i] <= 1)) {
        throw new IllegalArgumentException(
            "BCELoss: all elements of input should be between 0 and 1, element "
                + i
                + " is "
                + p[i]
                + " (apply sigmoid first, or use BCEWithLogitsLoss on logits)");
      }
    }
    Tensor w = like(weight, input);
    // The value and both partial derivatives are computed off the graph, then attached through
    // zero-valued terms (x - x.detach()) * dx, so that the clamped logs cannot turn the gradient
    // into 0 * inf at probabilities of exactly 0 or 1.
    Tensor value;
    Tensor dx;
    Tensor dy;
    try (NoGrad ignored = NoGrad.enter()) {
      Tensor x = input.detach();
      Tensor y = target.detach();
      Tensor logX = x.log().clamp(-100, Double.POSITIVE_INFINITY);
      Tensor log1mX = x.rsub(1).log().clamp(-100, Double.POSITIVE_INFINITY);
      value = y.mul(logX).add(y.rsub(1).mul(log1mX)).neg();
      dx = x.sub(y).div(x.mul(x.rsub(1)).clamp(EPSILON, Double.POSITIVE_INFINITY));
      dy = log1mX.sub(logX);
      if (w != null) {
        value = value.mul(w);
        dx = dx.mul(w);
        dy = dy.mul(w);
      }
    }
    Tensor loss = value;
    if (input.requiresGrad()) {
      loss = loss.add(input.sub(input.detach()).mul(dx));
    }
    if (target.requiresGrad()) {
      loss = loss.add(target.sub(target.detach()).mul(dy));
    }
    return reduce(loss, reduction());
  }
}
