package org.sparkgrad.optim;

/** The checks that optimizers share, with messages that name the hyper-parameter. */
final class HyperParams {
  private HyperParams() {}

  /** Rejects a negative (or NaN) {@code value}: "{@code what} must be >= 0, got -0.1". */
  static void nonNegative(String what, double value) {
    if (!(value >= 0)) {
      throw new IllegalArgumentException(what + " must be >= 0, got " + value);
    }
  }

  /** Rejects a value outside {@code [0, 1)}, as PyTorch does for betas. */
  static void unitInterval(String what, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(what + " must be in [0, 1), got " + value);
    }
  }
}
