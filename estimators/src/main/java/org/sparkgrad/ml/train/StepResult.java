package org.sparkgrad.ml.train;

import java.io.Serializable;

/**
 * What partitions return for one step or one evaluation, summed over rows and then over partitions
 * (in double precision): the gradient of the weighted loss sum (null when no rows contributed or
 * none was asked for), the weighted loss sum, the weight sum, the weighted metric sum and the row
 * count. The driver divides by the weight sum.
 */
public final class StepResult implements Serializable {
  private static final long serialVersionUID = 1L;

  private double[] grad;
  private double lossSum;
  private double weightSum;
  private double metricSum;
  private long count;

  /** An empty result, the zero of {@link #merge}. */
  public StepResult() {}

  /** A result of the given sums. */
  public StepResult(double[] grad, double lossSum, double weightSum, double metricSum, long count) {
    this.grad = grad;
    this.lossSum = lossSum;
    this.weightSum = weightSum;
    this.metricSum = metricSum;
    this.count = count;
  }

  /** Adds {@code other} into this result and returns this. */
  public StepResult merge(StepResult other) {
    if (other.grad != null) {
      if (grad == null) {
        grad = other.grad.clone();
      } else {
        if (grad.length != other.grad.length) {
          throw new IllegalStateException(
              "gradient sizes differ: " + grad.length + " vs " + other.grad.length);
        }
        for (int i = 0; i < grad.length; i++) {
          grad[i] += other.grad[i];
        }
      }
    }
    lossSum += other.lossSum;
    weightSum += other.weightSum;
    metricSum += other.metricSum;
    count += other.count;
    return this;
  }

  /** The summed gradient, or null if no row contributed (shared, not a copy). */
  public double[] grad() {
    return grad;
  }

  /** The weighted loss sum. */
  public double lossSum() {
    return lossSum;
  }

  /** The weight sum (the row count without weights). */
  public double weightSum() {
    return weightSum;
  }

  /** The weighted metric sum. */
  public double metricSum() {
    return metricSum;
  }

  /** The number of rows. */
  public long count() {
    return count;
  }
}
