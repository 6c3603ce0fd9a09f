package org.sparkgrad.ml.train;

/**
 * The learning rate of every step of a fit, as a pure function of the step. With {@code W} warm-up
 * steps, peak rate {@code lr}, global step {@code t} (from 0), {@code T} total steps, and {@code t'
 * = t - W}, {@code T' = T - W}:
 *
 * <pre>
 *   t &lt; W:    lr * (t + 1) / W                       (linear warm-up)
 *   constant:  lr
 *   step:      lr * gamma^floor(epoch / stepSize)     (PyTorch StepLR, stepped per epoch)
 *   cosine:    lr * (1 + cos(pi * t' / T')) / 2        (CosineAnnealingLR, eta_min = 0, per step)
 *   linear:    lr * (1 - t' / T')                      (LinearLR from 1 to 0 over T' steps)
 * </pre>
 */
public final class LrSchedule {
  private final TrainingConfig config;
  private final long totalSteps;

  /** The schedule of a fit of {@code totalSteps} steps. */
  public LrSchedule(TrainingConfig config, long totalSteps) {
    this.config = config;
    this.totalSteps = totalSteps;
  }

  /** The learning rate of global step {@code step} (from 0), in epoch {@code epoch} (from 0). */
  public double at(long step, int epoch) {
    double lr = config.learningRate();
    int warm = config.warmupSteps();
    if (step < warm) {
      return lr * (step + 1) / warm;
    }
    double t = step - warm;
    double span = Math.max(1, totalSteps - warm);
    return switch (config.lrSchedule()) {
      case "constant" -> lr;
      case "step" -> lr * Math.pow(config.lrGamma(), Math.floorDiv(epoch, config.lrStepSize()));
      case "cosine" -> lr * (1 + Math.cos(Math.PI * t / span)) / 2;
      case "linear" -> lr * (1 - t / span);
      default ->
          throw new IllegalArgumentException("unknown lrSchedule '" + config.lrSchedule() + "'");
    };
  }
}
