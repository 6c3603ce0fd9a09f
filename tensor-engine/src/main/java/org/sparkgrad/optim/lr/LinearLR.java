package org.sparkgrad.optim.lr;

import org.sparkgrad.optim.Optimizer;

/**
 * Scales each group's learning rate by a factor that moves linearly from {@code startFactor} to
 * {@code endFactor} over {@code totalIters} steps, then stays there, as PyTorch's {@code LinearLR};
 * with the defaults it is a learning-rate warm-up:
 *
 * <pre>
 * lr(epoch) = base_lr · (startFactor + (endFactor − startFactor) · min(epoch, totalIters) / totalIters)
 * </pre>
 */
public final class LinearLR extends LRScheduler {
  private final double startFactor;
  private final double endFactor;
  private final int totalIters;

  /** PyTorch's defaults: from 1/3 of the base rate to the full rate over 5 steps. */
  public LinearLR(Optimizer optimizer) {
    this(optimizer, 1.0 / 3, 1.0, 5);
  }

  /**
   * Moves the factor from {@code startFactor} to {@code endFactor} over {@code totalIters} steps.
   *
   * @throws IllegalArgumentException unless {@code 0 < startFactor <= 1}, {@code 0 <= endFactor <=
   *     1} and {@code totalIters >= 1}
   */
  public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
    super(optimizer);
    if (!(startFactor > 0 && startFactor <= 1)) {
      throw new IllegalArgumentException("startFactor must be in (0, 1], got " + startFactor);
    }
    if (!(endFactor >= 0 && endFactor <= 1)) {
      throw new IllegalArgumentException("endFactor must be in [0, 1], got " + endFactor);
    }
    if (totalIters < 1) {
      throw new IllegalArgumentException("totalIters must be >= 1, got " + totalIters);
    }
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    initialStep();
  }

  @Override
  protected double lrAt(int epoch, double baseLr) {
    return baseLr
        * (startFactor + (endFactor - startFactor) * Math.min(totalIters, epoch) / totalIters);
  }
}
