package org.sparkgrad.nn.loss;

import org.sparkgrad.tensor.Tensor;

/**
 * The negative log-likelihood of class targets given log-probabilities, as PyTorch's {@code
 * NLLLoss}:
 *
 * <pre>
 *   l_i = -w[y_i] x[i, y_i]          (0 where y_i = ignoreIndex)
 *   mean = sum_i l_i / sum_{i not ignored} w[y_i]
 * </pre>
 *
 * so the mean is weighted by the class weights; with every row ignored it is NaN, as in PyTorch.
 *
 * <p>Shape: input {@code [N, C]} of log-probabilities (from {@code logSoftmax}); target {@code [N]}
 * int64 in {@code [0, C)} or {@code ignoreIndex}; weight {@code [C]}. The output is 0-d, or {@code
 * [N]} with {@link Reduction#NONE}.
 */
public final class NLLLoss extends Loss {
  /** PyTorch's default {@code ignore_index}. */
  public static final long DEFAULT_IGNORE_INDEX = -100;

  private final Tensor weight;
  private final long ignoreIndex;

  /** The mean negative log-likelihood, unweighted. */
  public NLLLoss() {
    this(null, DEFAULT_IGNORE_INDEX, Reduction.MEAN);
  }

  /**
   * The negative log-likelihood.
   *
   * @param weight per-class weights {@code [C]}, or null
   * @param ignoreIndex a target value whose rows contribute nothing, not even to the mean's count
   */
  public NLLLoss(Tensor weight, long ignoreIndex, Reduction reduction) {
    super(reduction);
    checkFloating("NLLLoss", "weight", weight);
    this.weight = weight;
    this.ignoreIndex = ignoreIndex;
  }

  /** The class weights, or null. */
  public Tensor weight() {
    return weight;
  }

  /** The ignored target value. */
  public long ignoreIndex() {
    return ignoreIndex;
  }

  @Override
  public Tensor forward(Tensor input, Tensor target) {
    ClassTargets.checkScores("NLLLoss", input);
    Tensor w = ClassTargets.checkWeight("NLLLoss", weight, input);
    ClassTargets t = ClassTargets.of("NLLLoss", input, target, ignoreIndex);
    return compute(input, t, w, reduction());
  }

  /** The loss of validated targets; shared with {@link CrossEntropyLoss}. */
  static Tensor compute(Tensor logProbs, ClassTargets t, Tensor weight, Reduction reduction) {
    Tensor rowWeights = t.rowWeights(weight);
    Tensor losses = logProbs.gather(1, t.safe).reshape(-1).mul(rowWeights).neg();
    return switch (reduction) {
      case NONE -> losses;
      case SUM -> losses.sum();
      case MEAN -> losses.sum().div(rowWeights.sum());
    };
  }
}
