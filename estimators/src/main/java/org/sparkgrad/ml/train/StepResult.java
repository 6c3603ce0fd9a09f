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
 *
 * <p>So a gradient is held in one of two forms, never both: float32 gradients not summed yet (one
 * partition's own, or the step channel's partitions in partition order, each one flat array of
 * every weight), or their sum in double. Both are needed: the float32 form is what a partition
 * sends and what the driver sums in one pass with the scaling ({@link #writeScaledInto}), and the
 * double form is what a merge of already summed results ({@code treeAggregate}) must keep, since
 * rounding it to float32 would change the sum.
 *
 * <p>A step's result also carries the buffers of the network (batch norm's running statistics, as
 * one flat vector, {@link Replica#flatBuffers}) after the step, from one partition with rows: every
 * partition with rows updates them from the same global batch statistics ({@link GradientStep}), so
 * any one of them is the driver's next buffers. Merging keeps the first it sees; null when the
 * network has no buffers or no partition had rows.
 */
public final class StepResult implements Serializable {
  private static final long serialVersionUID = 2L;

  // The summed gradient, or null when the gradient is unsummed or absent.
  private double[] grad;
  // Float32 gradients not summed yet, each flat, in partition order; null when summed or absent.
  private float[][] parts;
  // The replica's buffers after the step (running statistics), from the first partition with rows.
  private float[] buffers;
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
    r.parts = grad == null ? null : new float[][] {grad};
    return r;
  }

  /**
   * The step channel's result: the partitions' float32 gradients as they arrived, in partition
   * order, each a flat array of every weight. They are summed only by {@link #writeScaledInto} (or
   * {@link #grad()}), in one pass with the scaling. The arrays are adopted, not copied: read them
   * before the next step.
   */
  public static StepResult ofUnsummed(
      float[][] parts, double lossSum, double weightSum, double metricSum, long count) {
    StepResult r = new StepResult(null, lossSum, weightSum, metricSum, count);
    r.parts = parts.length == 0 ? null : parts;
    return r;
  }

  /**
   * This result with the buffers of the partition's replica after the step (adopted, not copied);
   * returns this.
   */
  public StepResult withBuffers(float[] after) {
    this.buffers = after;
    return this;
  }

  /** The network's buffers after the step, or null (no buffers, or no partition had rows). */
  public float[] buffers() {
    return buffers;
  }

  /** True if some row contributed a gradient. */
  public boolean hasGrad() {
    return grad != null || parts != null;
  }

  /**
   * Writes {@code scale} times the summed gradient into {@code out} (one float32 array per
   * parameter, flat order), summing partitions in double in partition order and rounding once, as
   * {@code (float) (grad()[i] * scale)}; returns false if a written value is not finite.
   */
  boolean writeScaledInto(float[][] out, double scale) {
    // Each loop does one thing, so that HotSpot vectorises it: a loop that also folded the
    // finiteness check into a max of exponent fields ran scalar, at twice the time of both.
    int off = 0;
    double[] acc = null;
    for (float[] g : out) {
      int n = g.length;
      if (parts == null) {
        double[] sum = grad();
        for (int i = 0; i < n; i++) {
          g[i] = (float) (sum[off + i] * scale);
        }
      } else if (parts.length == 1) {
        float[] a = segment(parts[0], off, n);
        for (int i = 0; i < n; i++) {
          g[i] = (float) (a[off + i] * scale);
        }
      } else if (parts.length == 2) {
        float[] a = segment(parts[0], off, n);
        float[] b = segment(parts[1], off, n);
        for (int i = 0; i < n; i++) {
          g[i] = (float) (((double) a[off + i] + b[off + i]) * scale);
        }
      } else {
        if (acc == null || acc.length < n) {
          acc = new double[n];
        }
        sumSegment(acc, off, n);
        for (int i = 0; i < n; i++) {
          g[i] = (float) (acc[i] * scale);
        }
      }
      off += n;
    }
    int total = parts == null ? grad().length : parts[0].length;
    if (off != total) {
      throw new IllegalStateException("gradient of " + total + " values for " + off + " weights");
    }
    boolean finite = true;
    for (float[] g : out) {
      finite &= allFinite(g);
    }
    return finite;
  }

  /** Sums the parts' values {@code off .. off + n - 1} into {@code acc} from 0, in part order. */
  private void sumSegment(double[] acc, int off, int n) {
    for (int q = 0; q < parts.length; q++) {
      float[] a = segment(parts[q], off, n);
      if (q == 0) {
        for (int i = 0; i < n; i++) {
          acc[i] = a[off + i];
        }
      } else {
        for (int i = 0; i < n; i++) {
          acc[i] += a[off + i];
        }
      }
    }
  }

  /**
   * Whether no value is NaN or infinite (exponent field all ones), in a loop HotSpot vectorises.
   */
  private static boolean allFinite(float[] g) {
    int bad = 0;
    for (int i = 0; i < g.length; i++) {
      bad |= (Float.floatToRawIntBits(g[i]) & FLOAT_EXPONENT) == FLOAT_EXPONENT ? 1 : 0;
    }
    return bad == 0;
  }

  private static final int FLOAT_EXPONENT = 0x7f800000;

  /** {@code part}, checked to hold values {@code off .. off + n - 1}. */
  private static float[] segment(float[] part, int off, int n) {
    if (part.length < off + n) {
      throw new IllegalStateException(
          "gradient of " + part.length + " values for at least " + (off + n) + " weights");
    }
    return part;
  }

  /**
   * Adds {@code other} into this result and returns this. A lone partition's float32 gradient
   * merged into an empty result stays float32 (copied); anything else is summed in double, a
   * result's unsummed parts first among themselves, in partition order.
   */
  public StepResult merge(StepResult other) {
    if (other.parts != null && other.parts.length > 1) {
      other.grad(); // sums the unsummed parts first
    }
    if (grad == null && parts == null) {
      if (other.parts != null) {
        parts = new float[][] {other.parts[0].clone()}; // travels as float32
      } else if (other.grad != null) {
        grad = other.grad.clone();
      }
    } else if (other.parts != null) {
      float[] f = other.parts[0];
      double[] acc = sums(f.length);
      for (int i = 0; i < f.length; i++) {
        acc[i] += f[i];
      }
    } else if (other.grad != null) {
      double[] acc = sums(other.grad.length);
      for (int i = 0; i < acc.length; i++) {
        acc[i] += other.grad[i];
      }
    }
    if (buffers == null) {
      buffers = other.buffers;
    }
    lossSum += other.lossSum;
    weightSum += other.weightSum;
    metricSum += other.metricSum;
    count += other.count;
    return this;
  }

  /** The double sums, summing the unsummed parts first; checks the length. */
  private double[] sums(int length) {
    double[] sum = grad();
    if (sum.length != length) {
      throw new IllegalStateException("gradient sizes differ: " + sum.length + " vs " + length);
    }
    return sum;
  }

  /** A lone partition's float32 gradient as {@link #ofPartition} made it, or null. */
  public float[] partial() {
    return parts != null && parts.length == 1 ? parts[0] : null;
  }

  /** The summed gradient, or null if no row contributed (shared, not a copy). */
  public double[] grad() {
    if (parts != null) {
      float[] first = parts[0];
      double[] acc = new double[first.length];
      for (int i = 0; i < acc.length; i++) {
        acc[i] = first[i]; // assigned, not added to 0, which would turn -0.0 into 0.0
      }
      for (int q = 1; q < parts.length; q++) {
        float[] part = parts[q];
        if (part.length != acc.length) {
          throw new IllegalStateException(
              "gradient sizes differ: " + acc.length + " vs " + part.length);
        }
        for (int i = 0; i < acc.length; i++) {
          acc[i] += part[i];
        }
      }
      parts = null;
      grad = acc;
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
