package org.sparkgrad.ml.train;

/**
 * A fit stopped because the loss (or a gradient) became NaN or infinite. No model is returned; the
 * message names the epoch and step and suggests a lower learning rate.
 */
public final class TrainingDivergedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final int epoch;
  private final int step;

  /** A divergence at {@code epoch} and {@code step}, both counted from 1. */
  public TrainingDivergedException(String message, int epoch, int step) {
    super(message);
    this.epoch = epoch;
    this.step = step;
  }

  /** The epoch, from 1. */
  public int epoch() {
    return epoch;
  }

  /** The step within the epoch, from 1. */
  public int step() {
    return step;
  }
}
