package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What partitions return for one step or one evaluation: the gradient of the weighted loss sum
 * (none when no rows contributed or none was asked for), the weighted loss sum, the weight sum, the
 * weighted metric sum and the row count. The driver divides by the weight sum.
 *
 * <p>A gradient is carried one way: as float32 parts, each one flat array of every weight, in
 * partition order, never summed on the way. A partition computes its gradient in float32 and sends
 * it as is (half the bytes of a {@code double[]}: a 235k-parameter gradient is 940 KB, under
 * Spark's 1 MiB {@code spark.task.maxDirectResultSize}; a larger one travels through the block
 * manager). {@link #merge} concatenates parts in the order it is called, and every caller merges in
 * partition order: {@link LocalGradientSource}, the jobs transport (which collects the partitions'
 * results, in partition order) and the step channel's gather. The parts are summed once, at the
 * driver, in double precision, in that order, and rounded to float32 once, together with the
 * scaling ({@link #writeScaledInto}). So the summation order depends on the partition count only,
 * never on which task finished first, and the jobs transport and the step channel give the same
 * model bit for bit.
 *
 * <p>The step channel's reduction tree is the one place that sums before the driver (in double, in
 * the tree's fixed order): its root's double sum reaches the driver as two float32 parts ({@link
 * #ofSum}), whose double sum is the tree's sum to 48 bits.
 *
 * <p>A step's result also carries the buffers of the network (batch norm's running statistics, as
 * one flat vector, {@link Replica#flatBuffers}) after the step, from one partition with rows: every
 * partition with rows updates them from the same global batch statistics ({@link GradientStep}), so
 * any one of them is the driver's next buffers. Merging keeps the first it sees; null when the
 * network has no buffers or no partition had rows.
 */
public final class StepResult implements Serializable {
  private static final long serialVersionUID = 3L;

  // Float32 gradients, each flat, in partition order; null when no row contributed a gradient.
  // The container is never written after it is set (merge makes a new one), so it may be shared.
  private float[][] parts;
  // The replica's buffers after the step (running statistics), from the first partition with rows.
  private float[] buffers;
  private double lossSum;
  private double weightSum;
  private double metricSum;
  private long count;

  /** An empty result, the zero of {@link #merge}. */
  public StepResult() {}

  /** A result of the given sums, without a gradient. */
  public StepResult(double lossSum, double weightSum, double metricSum, long count) {
    this.lossSum = lossSum;
    this.weightSum = weightSum;
    this.metricSum = metricSum;
    this.count = count;
  }

  /**
   * One partition's result, its gradient in float32 (adopted, not copied; null: no gradient).
   *
   * @param grad the gradient of the partition's weighted loss sum
   */
  public static StepResult ofPartition(
      float[] grad, double lossSum, double weightSum, double metricSum, long count) {
    StepResult r = new StepResult(lossSum, weightSum, metricSum, count);
    r.parts = grad == null ? null : new float[][] {grad};
    return r;
  }

  /**
   * The partitions' float32 gradients, in partition order, each a flat array of every weight (the
   * step channel's gather). They are summed only by {@link #writeScaledInto}, in one pass with the
   * scaling. The arrays are adopted, not copied: read them before the next step.
   */
  public static StepResult ofUnsummed(
      float[][] parts, double lossSum, double weightSum, double metricSum, long count) {
    StepResult r = new StepResult(lossSum, weightSum, metricSum, count);
    r.parts = parts.length == 0 ? null : parts;
    return r;
  }

  /**
   * A gradient summed in double before it reached the driver (the reduction tree's root), as two
   * float32 parts: {@code hi = (float) sum} and {@code lo = (float) (sum - hi)}. Their double sum
   * is {@code sum} to 48 bits (24 of each), so the float32 gradient {@link #writeScaledInto} rounds
   * from it is the one it would round from {@code sum} itself but where {@code sum} lies within
   * 2^-48 of a float32 rounding boundary. Where {@code hi} is {@code sum} exactly, or infinite
   * ({@code sum} past float32's range), {@code lo} is -0.0, the one value whose addition changes
   * nothing (not even the sign of a zero, as +0.0 would). So a sum past float32's range makes the
   * step's gradient non-finite even where the scaling would have brought it back into range, as a
   * float32 all-reduce would (a loss-scaled step is then skipped, an unscaled fit stops as
   * diverged); the star sums such values in double at the driver.
   *
   * @param sum the summed gradient, flat (null: no gradient)
   */
  public static StepResult ofSum(
      double[] sum, double lossSum, double weightSum, double metricSum, long count) {
    StepResult r = new StepResult(lossSum, weightSum, metricSum, count);
    if (sum != null) {
      float[] hi = new float[sum.length];
      float[] lo = new float[sum.length];
      for (int i = 0; i < sum.length; i++) {
        hi[i] = (float) sum[i];
        double rest = sum[i] - hi[i];
        lo[i] = rest == 0 || Float.isInfinite(hi[i]) ? -0f : (float) rest;
      }
      r.parts = new float[][] {hi, lo};
    }
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
    return parts != null;
  }

  /**
   * Writes {@code scale} times the summed gradient into {@code out} (one float32 array per
   * parameter, flat order), summing the parts in double in their order (partition order) and
   * rounding once, as {@code (float) (grad()[i] * scale)}; returns false if a written value is not
   * finite.
   *
   * @throws IllegalStateException if there is no gradient ({@link #hasGrad}) or the parts' sizes do
   *     not match {@code out}'s
   */
  boolean writeScaledInto(float[][] out, double scale) {
    if (parts == null) {
      throw new IllegalStateException("no gradient to write: no row contributed one");
    }
    // One pass writes and checks: the conversions to and from double keep these loops scalar on
    // Java 17's C2, and the pass over memory is what costs (a separate check pass took 35% more).
    int bad = 0;
    int off = 0;
    double[] acc = null;
    for (float[] g : out) {
      int n = g.length;
      if (parts.length == 1) {
        float[] a = segment(parts[0], off, n);
        for (int i = 0; i < n; i++) {
          float v = (float) (a[off + i] * scale);
          g[i] = v;
          bad |= nonFinite(v);
        }
      } else if (parts.length == 2) {
        float[] a = segment(parts[0], off, n);
        float[] b = segment(parts[1], off, n);
        for (int i = 0; i < n; i++) {
          float v = (float) (((double) a[off + i] + b[off + i]) * scale);
          g[i] = v;
          bad |= nonFinite(v);
        }
      } else {
        if (acc == null || acc.length < n) {
          acc = new double[n];
        }
        sumSegment(acc, off, n);
        for (int i = 0; i < n; i++) {
          float v = (float) (acc[i] * scale);
          g[i] = v;
          bad |= nonFinite(v);
        }
      }
      off += n;
    }
    int total = parts[0].length;
    if (off != total) {
      throw new IllegalStateException("gradient of " + total + " values for " + off + " weights");
    }
    return bad >= 0;
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
   * Negative exactly when {@code v} is NaN or infinite: its exponent field, all ones only then,
   * plus one exponent step carries into the sign bit. Branch-free, so a caller ORs it over a loop.
   */
  private static int nonFinite(float v) {
    return (Float.floatToRawIntBits(v) & FLOAT_EXPONENT) + FLOAT_EXPONENT_STEP;
  }

  private static final int FLOAT_EXPONENT_STEP = 0x00800000;
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
   * Adds {@code other} into this result and returns this: the loss, weight, metric and row sums are
   * added, and {@code other}'s gradient parts are appended after this result's, unsummed (adopted,
   * not copied; a lone partition's array is not copied either). Callers merge in partition order,
   * so that the parts' order, and with it the summation's, is fixed by the partitioning alone.
   *
   * @throws IllegalStateException if the two gradients have different sizes
   */
  public StepResult merge(StepResult other) {
    if (other.parts != null) {
      if (parts == null) {
        parts = other.parts; // never written in place, so it can be shared
      } else {
        if (parts[0].length != other.parts[0].length) {
          throw new IllegalStateException(
              "gradient sizes differ: " + parts[0].length + " vs " + other.parts[0].length);
        }
        float[][] both = Arrays.copyOf(parts, parts.length + other.parts.length);
        System.arraycopy(other.parts, 0, both, parts.length, other.parts.length);
        parts = both;
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

  /** A lone partition's float32 gradient as {@link #ofPartition} made it, or null. */
  public float[] partial() {
    return parts != null && parts.length == 1 ? parts[0] : null;
  }

  /**
   * The summed gradient, as {@link #writeScaledInto} sums it (in double, the parts in order), or
   * null if no row contributed; computed afresh by each call, for checks and tests (the trainer
   * writes the scaled sum without it).
   */
  public double[] grad() {
    if (parts == null) {
      return null;
    }
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
    return acc;
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
