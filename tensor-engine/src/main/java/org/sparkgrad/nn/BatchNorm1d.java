package org.sparkgrad.nn;

import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/**
 * Batch normalisation of {@code [N, C]} or {@code [N, C, L]} inputs per channel, as PyTorch's
 * {@code nn.BatchNorm1d}:
 *
 * <pre>
 *   y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias
 * </pre>
 *
 * In training mode (or without running statistics) the statistics are the batch's, over every
 * dimension but {@code C}, with the biased variance; with {@code trackRunningStats} the buffers are
 * then updated as {@code running_mean = (1 - momentum) running_mean + momentum * mean} and {@code
 * running_var = (1 - momentum) running_var + momentum * var * n / (n - 1)} (the unbiased variance
 * over {@code n} values per channel), and {@code num_batches_tracked} is incremented. A null
 * momentum means the cumulative average, {@code momentum = 1 / num_batches_tracked}. In evaluation
 * mode the running statistics normalise.
 *
 * <p>Parameters (with {@code affine}): {@code weight} (ones) and {@code bias} (zeros), {@code [C]}.
 * Buffers (with {@code trackRunningStats}): {@code running_mean} (zeros), {@code running_var}
 * (ones), {@code num_batches_tracked} (0-d int64).
 *
 * <p>Shape: input {@code [N, C]} or {@code [N, C, L]}; the output has the same shape.
 */
public final class BatchNorm1d extends Module {
  private final int numFeatures;
  private final double eps;
  private final Double momentum;
  private final boolean affine;
  private final boolean trackRunningStats;

  /** PyTorch's defaults: {@code eps = 1e-5, momentum = 0.1}, affine, tracking running stats. */
  public BatchNorm1d(int numFeatures) {
    this(numFeatures, 1e-5, 0.1, true, true);
  }

  /**
   * Batch normalisation over {@code numFeatures} channels.
   *
   * @param eps added to the variance for stability; must be &gt;= 0
   * @param momentum the running statistics' update factor in [0, 1], or null for a cumulative
   *     average
   * @param affine whether to learn a weight and bias
   * @param trackRunningStats whether to keep running statistics for evaluation
   */
  public BatchNorm1d(
      int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
    Init.checkPositive("BatchNorm1d", "num_features", numFeatures);
    if (!(eps >= 0)) {
      throw new IllegalArgumentException("BatchNorm1d: eps must be >= 0, got " + eps);
    }
    if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException(
          "BatchNorm1d: momentum must be in [0, 1] or null, got " + momentum);
    }
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    registerParameter("weight", affine ? Tensor.ones(numFeatures).requiresGrad(true) : null);
    registerParameter("bias", affine ? Tensor.zeros(numFeatures).requiresGrad(true) : null);
    registerBuffer("running_mean", trackRunningStats ? Tensor.zeros(numFeatures) : null);
    registerBuffer("running_var", trackRunningStats ? Tensor.ones(numFeatures) : null);
    registerBuffer("num_batches_tracked", trackRunningStats ? Tensor.zeros(DType.INT64) : null);
  }

  /** The number of channels {@code C}. */
  public int numFeatures() {
    return numFeatures;
  }

  @Override
  public Tensor forward(Tensor input) {
    if (input.dim() != 2 && input.dim() != 3) {
      throw new IllegalArgumentException(
          "BatchNorm1d: expected 2D or 3D input (got "
              + input.dim()
              + "D input of shape "
              + java.util.Arrays.toString(input.shape())
              + ")");
    }
    if (input.size(1) != numFeatures) {
      throw new IllegalArgumentException(
          "BatchNorm1d("
              + numFeatures
              + "): expected "
              + numFeatures
              + " channels in dimension 1, got input of shape "
              + java.util.Arrays.toString(input.shape()));
    }
    boolean updating = isTraining() && trackRunningStats;
    Tensor tracked = buffer("num_batches_tracked");
    double count = updating ? tracked.item() + 1 : 0;
    double factor = momentum != null ? momentum : (updating ? 1 / count : 0);
    Tensor out =
        F.batchNorm(
            input,
            buffer("running_mean"),
            buffer("running_var"),
            param("weight"),
            param("bias"),
            isTraining() || !trackRunningStats,
            factor,
            eps);
    if (updating) {
      tracked.fillInPlace(count);
    }
    return out;
  }

  @Override
  protected String extraRepr() {
    return numFeatures
        + ", eps="
        + PyRepr.floatRepr(eps)
        + ", momentum="
        + (momentum == null ? "None" : PyRepr.floatRepr(momentum))
        + ", affine="
        + PyRepr.bool(affine)
        + ", track_running_stats="
        + PyRepr.bool(trackRunningStats);
  }
}
