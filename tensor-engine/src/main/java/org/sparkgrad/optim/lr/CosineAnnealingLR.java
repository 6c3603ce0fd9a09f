package org.sparkgrad.optim.lr;

import org.sparkgrad.optim.Optimizer;

/**
 * Anneals each group's learning rate from its base value to {@code etaMin} along half a cosine over
 * {@code tMax} epochs, as PyTorch's {@code CosineAnnealingLR} (SGDR without restarts):
 *
 * <pre>
 * lr(epoch) = etaMin + (base_lr − etaMin) · (1 + cos(π · epoch / tMax)) / 2
 * </pre>
 *
 * <p>Past {@code tMax} the rate rises again along the same cosine, as PyTorch's does.
 */
public final class CosineAnnealingLR extends LRScheduler {
  private final int tMax;
  private final double etaMin;

  /** Anneals to 0 over {@code tMax} epochs. */
  public CosineAnnealingLR(Optimizer optimizer, int tMax) {
    this(optimizer, tMax, 0.0);
  }

  /**
   * Anneals to {@code etaMin} over {@code tMax} epochs.
   *
   * @throws IllegalArgumentException if {@code tMax < 1} or {@code etaMin} is negative or NaN
   */
  public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
    super(optimizer);
    if (tMax < 1) {
      throw new IllegalArgumentException("tMax must be >= 1, got " + tMax);
    }
    if (!(etaMin >= 0)) {
      throw new IllegalArgumentException("etaMin must be >= 0, got " + etaMin);
    }
    this.tMax = tMax;
    this.etaMin = etaMin;
    initialStep();
  }

  @Override
  protected double lrAt(int epoch, double baseLr) {
    return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
  }
}
