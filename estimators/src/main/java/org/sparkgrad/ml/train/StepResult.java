package org.sparkgrad.ml.train;

import java.io.Serializable;

/**
 * What partitions return for one step or one evaluation, summed over rows and then over partitions
 * (in double precision): the gradient of the weighted loss sum (null when no rows contributed or
 * none was asked for), the weighted loss sum, the weight sum, the weighted metric sum and the row
 * count. The driver divides by the weight sum.
 *
 * <p>One partition's gradient is float32 (the engine computes it in float32), so a partition's
 * result carries it as a {@code float[]}: half the bytes of a {@code double[]}, which keeps a
 * 235k-parameter gradient under Spark's 1 MiB limit for task results sent directly to the driver.
 * Merging sums in double precision, so the order in which partitions are merged does not change the
 * sum beyond double rounding.
 */
public final class StepResult implements Serializable {
  private static final long serialVersionUID = 1L;

  private double[] grad;
  private float[] partial;
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

  /**
   * One partition's result, its gradient in float32 (adopted, not copied).
   *
   * @param grad the gradient of the partition's weighted loss sum
   */
  public static StepResult ofPartition(
      float[] grad, double lossSum, double weightSum, double metricSum, long count) {
    StepResult r = new StepResult(null, lossSum, weightSum, metricSum, count);
    r.partial = grad;
    return r;
  }

  /** Adds {@code other} into this result and returns this. */
  public StepResult merge(StepResult other) {
    if (other.partial != null) {
      if (grad == null && partial == null) {
        partial = other.partial; // a lone partition's result travels as float32
      } else {
        float[] f = other.partial;
        double[] acc = sums(f.length);
        for (int i = 0; i < f.length; i++) {
          acc[i] += f[i];
        }
      }
    }
    if (other.grad != null) {
      if (grad == null && partial == null) {
        grad = other.grad.clone();
      } else {
        double[] acc = sums(other.grad.length);
        for (int i = 0; i < acc.length; i++) {
          acc[i] += other.grad[i];
        }
      }
    }
    lossSum += other.lossSum;
    weightSum += other.weightSum;
    metricSum += other.metricSum;
    count += other.count;
    return this;
  }

  /** The double sums, converting a float32 partial gradient first; checks the length. */
  private double[] sums(int length) {
    if (grad == null) {
      grad = new double[partial.length];
      for (int i = 0; i < partial.length; i++) {
        grad[i] = partial[i];
      }
      partial = null;
    }
    if (grad.length != length) {
      throw new IllegalStateException("gradient sizes differ: " + grad.length + " vs " + length);
    }
    return grad;
  }

  /** A lone partition's float32 gradient as {@link #ofPartition} made it, or null. */
  float[] partial() {
    return partial;
  }

  /** The summed gradient, or null if no row contributed (shared, not a copy). */
  public double[] grad() {
    if (partial != null) {
      sums(partial.length);
    }
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
