package org.sparkgrad.nn;

import java.util.Arrays;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/**
 * Batch normalisation of {@code [N, C, H, W]} images per channel, as PyTorch's {@code
 * nn.BatchNorm2d}:
 *
 * <pre>
 *   y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias
 * </pre>
 *
 * with the statistics of each channel over the batch and both spatial dimensions ({@code N*H*W}
 * values). Training, evaluation and the running statistics behave as in {@link BatchNorm1d}: {@code
 * running_var} takes the unbiased variance ({@code n / (n - 1)} with {@code n = N*H*W}), a null
 * momentum is the cumulative average, and evaluation normalises with the running statistics.
 * Composed from {@link F#batchNorm} over the input viewed as {@code [N, C, H*W]}, so autograd
 * derives the gradient.
 *
 * <p>Parameters (with {@code affine}): {@code weight} (ones) and {@code bias} (zeros), {@code [C]}.
 * Buffers (with {@code trackRunningStats}): {@code running_mean} (zeros), {@code running_var}
 * (ones), {@code num_batches_tracked} (0-d int64): PyTorch's names, so state dicts load both ways.
 *
 * <p>Shape: input {@code [N, C, H, W]}; the output has the same shape.
 */
public final class BatchNorm2d extends Module {
  private final int numFeatures;
  private final double eps;
  private final Double momentum;
  private final boolean affine;
  private final boolean trackRunningStats;

  /** PyTorch's defaults: {@code eps = 1e-5, momentum = 0.1}, affine, tracking running stats. */
  public BatchNorm2d(int numFeatures) {
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
  public BatchNorm2d(
      int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
    Init.checkPositive("BatchNorm2d", "num_features", numFeatures);
    if (!(eps >= 0)) {
      throw new IllegalArgumentException("BatchNorm2d: eps must be >= 0, got " + eps);
    }
    if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException(
          "BatchNorm2d: momentum must be in [0, 1] or null, got " + momentum);
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
    if (input.dim() != 4) {
      throw new IllegalArgumentException(
          "BatchNorm2d: expected 4D input (got "
              + input.dim()
              + "D input of shape "
              + Arrays.toString(input.shape())
              + ")");
    }
    if (input.size(1) != numFeatures) {
      throw new IllegalArgumentException(
          "BatchNorm2d("
              + numFeatures
              + "): expected "
              + numFeatures
              + " channels in dimension 1, got input of shape "
              + Arrays.toString(input.shape()));
    }
    boolean updating = isTraining() && trackRunningStats;
    Tensor tracked = buffer("num_batches_tracked");
    double count = updating ? tracked.item() + 1 : 0;
    double factor = momentum != null ? momentum : (updating ? 1 / count : 0);
    int[] s = input.shape();
    Tensor out =
        F.batchNorm(
            input.reshape(s[0], s[1], s[2] * s[3]),
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
    return out.reshape(s);
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
