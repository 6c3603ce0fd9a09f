package org.sparkgrad.nn.loss;

import java.util.Arrays;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.FusedOps;
import org.sparkgrad.tensor.Tensor;

/**
 * The cross-entropy between logits and targets, log-softmax and {@link NLLLoss} fused, as PyTorch's
 * {@code CrossEntropyLoss} (1.13 semantics).
 *
 * <p><b>Class-index targets</b> ({@code [N]} int64): with {@code p = logSoftmax(x)}, {@code ls} the
 * label smoothing and {@code C} the number of classes,
 *
 * <pre>
 *   nll_i    = -w[y_i] p[i, y_i]
 *   smooth_i = -sum_c w[c] p[i, c]                  (w = 1 without weights)
 *   l_i      = (1 - ls) nll_i + (ls / C) smooth_i   (0 where y_i = ignoreIndex)
 * </pre>
 *
 * and the mean divides both sums by {@code sum_{i not ignored} w[y_i]} (the number of rows that
 * count, without weights).
 *
 * <p><b>Probability targets</b> ({@code [N, C]} floating, rows summing to 1): the targets are
 * smoothed to {@code (1 - ls) y + ls / C}, {@code l_i = -sum_c w[c] y[i, c] p[i, c]}, the mean
 * divides by {@code N}, and {@code ignoreIndex} does not apply.
 *
 * <p>Shape: input {@code [N, C]} logits; weight {@code [C]}. The output is 0-d, or {@code [N]} with
 * {@link Reduction#NONE}.
 */
public final class CrossEntropyLoss extends Loss {
  private final Tensor weight;
  private final long ignoreIndex;
  private final double labelSmoothing;

  /** The mean cross-entropy, unweighted, unsmoothed. */
  public CrossEntropyLoss() {
    this(null, NLLLoss.DEFAULT_IGNORE_INDEX, Reduction.MEAN, 0);
  }

  /** The unweighted, unsmoothed cross-entropy with the given reduction. */
  public CrossEntropyLoss(Reduction reduction) {
    this(null, NLLLoss.DEFAULT_IGNORE_INDEX, reduction, 0);
  }

  /**
   * The cross-entropy.
   *
   * @param weight per-class weights {@code [C]}, or null
   * @param ignoreIndex a class-index target whose rows contribute nothing (PyTorch's default -100)
   * @param labelSmoothing in [0, 1]: the share of the target mass spread uniformly over classes
   */
  public CrossEntropyLoss(
      Tensor weight, long ignoreIndex, Reduction reduction, double labelSmoothing) {
    super(reduction);
    checkFloating("CrossEntropyLoss", "weight", weight);
    if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
      throw new IllegalArgumentException(
          "CrossEntropyLoss: labelSmoothing must be in [0, 1], got " + labelSmoothing);
    }
    this.weight = weight;
    this.ignoreIndex = ignoreIndex;
    this.labelSmoothing = labelSmoothing;
  }

  /** The class weights, or null. */
  public Tensor weight() {
    return weight;
  }

  /** The ignored class-index target. */
  public long ignoreIndex() {
    return ignoreIndex;
  }

  /** The label smoothing in [0, 1]. */
  public double labelSmoothing() {
    return labelSmoothing;
  }

  @Override
  public Tensor forward(Tensor input, Tensor target) {
    ClassTargets.checkScores("CrossEntropyLoss", input);
    Tensor w = ClassTargets.checkWeight("CrossEntropyLoss", weight, input);
    if (fusable(input, target, w)) {
      return fused(input, target);
    }
    Tensor logProbs = input.logSoftmax(1);
    if (target.dtype().isFloatingPoint()) {
      return probabilityTargets(input, logProbs, target, w);
    }
    ClassTargets t = ClassTargets.of("CrossEntropyLoss", input, target, ignoreIndex);
    Tensor nll = NLLLoss.compute(logProbs, t, w, reduction());
    if (labelSmoothing == 0) {
      return nll;
    }
    int c = input.size(1);
    Tensor weighted = w == null ? logProbs : logProbs.mul(w.reshape(1, c));
    Tensor smooth = weighted.sum(1, false).neg().mul(t.keep);
    Tensor reduced =
        switch (reduction()) {
          case NONE -> smooth;
          case SUM -> smooth.sum();
          case MEAN -> smooth.sum().div(t.rowWeights(w).sum());
        };
    return nll.mul(1 - labelSmoothing).add(reduced.mul(labelSmoothing / c));
  }

  /**
   * Whether softmax and the loss run fused ({@link FusedOps#crossEntropy}): int64 class targets of
   * shape {@code [N]} on the input's device (the composed path also takes CPU targets for a GPU
   * input), no weights, no smoothing, fusion on; on the CPU also every target in range (else the
   * composed path reports the bad row).
   */
  private boolean fusable(Tensor input, Tensor target, Tensor w) {
    if (w != null
        || labelSmoothing != 0
        || target.dtype() != DType.INT64
        || !Arrays.equals(target.shape(), new int[] {input.size(0)})
        || !target.device().equals(input.device())
        || !FusedOps.enabled()) {
      return false;
    }
    if (target.device().isCuda()) {
      // The mean's row count compares the targets with ignoreIndex as doubles.
      return Math.abs(ignoreIndex) <= 1L << 53;
    }
    int c = input.size(1);
    for (long t : target.toLongArray()) {
      if (t != ignoreIndex && (t < 0 || t >= c)) {
        return false;
      }
    }
    return true;
  }

  /** The per-row losses of the fused op, reduced; the mean counts the rows not ignored. */
  private Tensor fused(Tensor input, Tensor target) {
    Tensor losses = FusedOps.crossEntropy(input, target, ignoreIndex);
    return switch (reduction()) {
      case NONE -> losses;
      case SUM -> losses.sum();
      case MEAN -> losses.sum().div(target.ne((double) ignoreIndex).to(input.dtype()).sum());
    };
  }

  private Tensor probabilityTargets(Tensor input, Tensor logProbs, Tensor target, Tensor w) {
    if (!Arrays.equals(target.shape(), input.shape()) || target.dtype() != input.dtype()) {
      throw new IllegalArgumentException(
          "CrossEntropyLoss: probability targets must match the input's shape and dtype: input "
              + Arrays.toString(input.shape())
              + " "
              + input.dtype()
              + ", target "
              + Arrays.toString(target.shape())
              + " "
              + target.dtype()
              + " (class-index targets are int64 of shape ["
              + input.size(0)
              + "])");
    }
    int c = input.size(1);
    Tensor y = target;
    if (labelSmoothing > 0) {
      y = y.mul(1 - labelSmoothing).add(labelSmoothing / c);
    }
    Tensor prod = logProbs.mul(y);
    if (w != null) {
      prod = prod.mul(w.reshape(1, c));
    }
    return switch (reduction()) {
      case NONE -> prod.sum(1, false).neg();
      case SUM -> prod.sum().neg();
      case MEAN -> prod.sum().neg().div(input.size(0));
    };
  }
}
