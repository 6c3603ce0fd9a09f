package org.sparkgrad.nn;

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
public final class BatchNorm1d extends BatchNormBase {
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
    super("BatchNorm1d", numFeatures, eps, momentum, affine, trackRunningStats);
  }

  @Override
  public Tensor forward(Tensor input) {
    checkInput(input, "2D or 3D", 2, 3);
    return normalise(input);
  }
}
