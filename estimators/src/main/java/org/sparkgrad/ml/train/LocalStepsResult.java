package org.sparkgrad.ml.train;

import java.io.Serializable;

/**
 * What partitions return from one local-steps round, summed over partitions: the weights and the
 * optimizer state each multiplied by the partition's row count (so that dividing by the summed row
 * count gives the row-weighted average), and the loss, weight and metric sums and row count of
 * every local step. A partition without rows in the round contributes nothing.
 */
public final class LocalStepsResult implements Serializable {
  private static final long serialVersionUID = 1L;

  private double[] weightedWeights;
  private OptimizerSnapshot weightedState;
  private final StepResult sums;

  /** An empty result, the zero of {@link #merge}. */
  public LocalStepsResult() {
    this.sums = new StepResult();
  }

  /**
   * One partition's result: its final weights and optimizer state after {@code sums.count()} rows.
   */
  LocalStepsResult(float[] weights, OptimizerSnapshot state, StepResult sums) {
    this.sums = sums;
    double rows = sums.count();
    this.weightedWeights = new double[weights.length];
    for (int i = 0; i < weights.length; i++) {
      weightedWeights[i] = weights[i] * rows;
    }
    this.weightedState = state.weighted(rows);
  }

  /** Adds {@code other} into this result and returns this. */
  public LocalStepsResult merge(LocalStepsResult other) {
    if (other.weightedWeights != null) {
      if (weightedWeights == null) {
        weightedWeights = other.weightedWeights.clone();
        weightedState = other.weightedState.weighted(1); // a copy
      } else {
        for (int i = 0; i < weightedWeights.length; i++) {
          weightedWeights[i] += other.weightedWeights[i];
        }
        weightedState.add(other.weightedState);
      }
    }
    sums.merge(other.sums);
    return this;
  }

  /** The loss, weight and metric sums and the row count over every local step (no gradient). */
  public StepResult sums() {
    return sums;
  }

  /** The row-weighted average of the partitions' weights, or null if no partition had rows. */
  public float[] averageWeights() {
    if (weightedWeights == null) {
      return null;
    }
    double rows = sums.count();
    float[] out = new float[weightedWeights.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (weightedWeights[i] / rows);
    }
    return out;
  }

  /**
   * The row-weighted average of the partitions' optimizer states, with the param groups of {@code
   * driver}; null if no partition had rows.
   */
  public OptimizerSnapshot averageState(OptimizerSnapshot driver) {
    return weightedState == null ? null : weightedState.averaged((double) sums.count(), driver);
  }
}
