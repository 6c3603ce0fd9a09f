package org.sparkgrad.nn.loss;

import java.util.Locale;

/** How a loss combines the per-element losses, as PyTorch's {@code reduction} argument. */
public enum Reduction {
  /** No reduction: one loss per element (per row for class losses). */
  NONE,
  /** The mean (for class losses with weights, the weighted mean). */
  MEAN,
  /** The sum. */
  SUM;

  /** PyTorch's name: {@code none}, {@code mean} or {@code sum}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
