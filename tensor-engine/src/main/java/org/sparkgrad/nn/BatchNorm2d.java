package org.sparkgrad.nn;

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
public final class BatchNorm2d extends BatchNormBase {
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
    super("BatchNorm2d", numFeatures, eps, momentum, affine, trackRunningStats);
  }

  @Override
  public Tensor forward(Tensor input) {
    checkInput(input, "4D", 4);
    int[] s = input.shape();
    return normalise(input.reshape(s[0], s[1], s[2] * s[3])).reshape(s);
  }
}
