package org.sparkgrad.nn.loss;

import org.sparkgrad.tensor.Tensor;

/**
 * The binary cross-entropy on logits, sigmoid and {@link BCELoss} in one numerically stable
 * expression, as PyTorch's {@code BCEWithLogitsLoss}:
 *
 * <pre>
 *   l_i = w_i [ (1 - y_i) x_i + (1 + (p - 1) y_i) (log(1 + exp(-|x_i|)) + max(-x_i, 0)) ]
 * </pre>
 *
 * where {@code p} is the positive-class weight ({@code pos_weight}, 1 if absent) that trades recall
 * against precision. The softplus term is evaluated as PyTorch does, {@code log(exp(-m) + exp(-x -
 * m)) + m} with {@code m = max(-x, 0)}, whose gradient is also right at {@code x = 0}.
 *
 * <p>Shape: input (logits) and target of the same shape and floating-point dtype; {@code weight}
 * broadcasts to the input's shape and {@code posWeight} to the target's (typically {@code [C]} for
 * a {@code [N, C]} multi-label target). The output is 0-d, or the input's shape with {@link
 * Reduction#NONE}.
 */
public final class BCEWithLogitsLoss extends Loss {
  private final Tensor weight;
  private final Tensor posWeight;

  /** The mean loss without weights. */
  public BCEWithLogitsLoss() {
    this(null, Reduction.MEAN, null);
  }

  /**
   * The loss with optional weights.
   *
   * @param weight per-element rescaling weights, or null
   * @param posWeight the weight of positive examples, per class, or null
   */
  public BCEWithLogitsLoss(Tensor weight, Reduction reduction, Tensor posWeight) {
    super(reduction);
    checkFloating("BCEWithLogitsLoss", "weight", weight);
    checkFloating("BCEWithLogitsLoss", "posWeight", posWeight);
    this.weight = weight;
    this.posWeight = posWeight;
  }

  /** The rescaling weights, or null. */
  public Tensor weight() {
    return weight;
  }

  /** The positive-class weights, or null. */
  public Tensor posWeight() {
    return posWeight;
  }

  @Override
  public Tensor forward(Tensor input, Tensor target) {
    checkSameShape("BCEWithLogitsLoss", input, target);
    Tensor m = input.neg().clamp(0, Double.POSITIVE_INFINITY);
    Tensor softplusNeg = m.neg().exp().add(input.neg().sub(m).exp()).log().add(m);
    Tensor pw = like(posWeight, input);
    Tensor logWeighted = pw == null ? softplusNeg : pw.sub(1).mul(target).add(1).mul(softplusNeg);
    Tensor loss = target.rsub(1).mul(input).add(logWeighted);
    Tensor w = like(weight, input);
    if (w != null) {
      loss = loss.mul(w);
    }
    return reduce(loss, reduction());
  }
}
