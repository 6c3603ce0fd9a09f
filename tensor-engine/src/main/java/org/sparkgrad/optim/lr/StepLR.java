package org.sparkgrad.optim.lr;

import org.sparkgrad.optim.Optimizer;

/**
 * Decays each group's learning rate by {@code gamma} every {@code stepSize} epochs, as PyTorch's
 * {@code StepLR}:
 *
 * <pre>
 * lr(epoch) = base_lr · gamma^⌊epoch / stepSize⌋
 * </pre>
 */
public final class StepLR extends LRScheduler {
  private final int stepSize;
  private final double gamma;

  /** Decays by 0.1 every {@code stepSize} epochs. */
  public StepLR(Optimizer optimizer, int stepSize) {
    this(optimizer, stepSize, 0.1);
  }

  /**
   * Decays by {@code gamma} every {@code stepSize} epochs.
   *
   * @throws IllegalArgumentException if {@code stepSize < 1} or {@code gamma} is negative or NaN
   */
  public StepLR(Optimizer optimizer, int stepSize, double gamma) {
    super(optimizer);
    if (stepSize < 1) {
      throw new IllegalArgumentException("stepSize must be >= 1, got " + stepSize);
    }
    if (!(gamma >= 0)) {
      throw new IllegalArgumentException("gamma must be >= 0, got " + gamma);
    }
    this.stepSize = stepSize;
    this.gamma = gamma;
    initialStep();
  }

  @Override
  protected double lrAt(int epoch, double baseLr) {
    int decays = epoch / stepSize;
    return baseLr * Math.pow(gamma, decays);
  }
}
