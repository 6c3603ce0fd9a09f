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
 * <p>A step's result also carries the buffers of the network (batch norm's running statistics, as
 * one flat vector, {@link Replica#flatBuffers}) after the step, from one partition with rows: every
 * partition with rows updates them from the same global batch statistics ({@link GradientStep}), so
 * any one of them is the driver's next buffers. Merging keeps the first it sees; null when the
 * network has no buffers or no partition had rows.
 */
public final class StepResult implements Serializable {
  private static final long serialVersionUID = 1L;

  private double[] grad;
  private float[] partial;
  // Partitions' float32 gradients not summed yet, in partition order (the step channel's result,
  // which never leaves the driver): each a flat float[] or a float[][] of one array per parameter.
  private transient Object[] parts;
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
    r.partial = grad;
    return r;
  }

  /**
   * The step channel's result: the partitions' float32 gradients as they arrived, in partition
   * order, each a flat {@code float[]} of every weight or a {@code float[][]} of one array per
   * parameter (an in-process replica's own buffers). They are summed only by {@link
   * #writeScaledInto} (or {@link #grad()}), in one pass with the scaling. The arrays are adopted,
   * not copied: read them before the next step.
   */
  public static StepResult ofUnsummed(
      Object[] parts, double lossSum, double weightSum, double metricSum, long count) {
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
    return grad != null || partial != null || parts != null;
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
    for (int p = 0; p < out.length; p++) {
      float[] g = out[p];
      int n = g.length;
      if (parts == null) {
        double[] sum = grad();
        for (int i = 0; i < n; i++) {
          g[i] = (float) (sum[off + i] * scale);
        }
      } else if (parts.length <= 2) {
        float[] a = segment(parts[0], p, off, n);
        int ao = parts[0] instanceof float[] ? off : 0;
        if (parts.length == 1) {
          for (int i = 0; i < n; i++) {
            g[i] = (float) (a[ao + i] * scale);
          }
        } else {
          float[] b = segment(parts[1], p, off, n);
          int bo = parts[1] instanceof float[] ? off : 0;
          if (ao == 0 && bo == 0) {
            for (int i = 0; i < n; i++) {
              g[i] = (float) (((double) a[i] + b[i]) * scale);
            }
          } else {
            for (int i = 0; i < n; i++) {
              g[i] = (float) (((double) a[ao + i] + b[bo + i]) * scale);
            }
          }
        }
      } else {
        if (acc == null || acc.length < n) {
          acc = new double[n];
        }
        for (int q = 0; q < parts.length; q++) {
          float[] a = segment(parts[q], p, off, n);
          int ao = parts[q] instanceof float[] ? off : 0;
          if (q == 0) {
            for (int i = 0; i < n; i++) {
              acc[i] = a[ao + i];
            }
          } else {
            for (int i = 0; i < n; i++) {
              acc[i] += a[ao + i];
            }
          }
        }
        for (int i = 0; i < n; i++) {
          g[i] = (float) (acc[i] * scale);
        }
      }
      off += n;
    }
    int total = parts == null ? grad().length : length(parts[0]);
    if (off != total) {
      throw new IllegalStateException("gradient of " + total + " values for " + off + " weights");
    }
    boolean finite = true;
    for (float[] g : out) {
      finite &= allFinite(g);
    }
    return finite;
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

  /** The array holding parameter {@code p}'s {@code n} values (flat from {@code off}) of a part. */
  private static float[] segment(Object part, int p, int off, int n) {
    if (part instanceof float[] flat) {
      if (flat.length < off + n) {
        throw new IllegalStateException(
            "gradient of " + flat.length + " values for at least " + (off + n) + " weights");
      }
      return flat;
    }
    float[][] perParam = (float[][]) part;
    if (p >= perParam.length || perParam[p].length != n) {
      throw new IllegalStateException(
          "gradient of parameter " + p + " does not match its " + n + " weights");
    }
    return perParam[p];
  }

  private static int length(Object part) {
    if (part instanceof float[] flat) {
      return flat.length;
    }
    int n = 0;
    for (float[] a : (float[][]) part) {
      n += a.length;
    }
    return n;
  }

  /** Adds {@code other} into this result and returns this. */
  public StepResult merge(StepResult other) {
    if (parts != null) {
      grad(); // sums the unsummed parts first
    }
    if (other.parts != null) {
      other.grad();
    }
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
    if (buffers == null) {
      buffers = other.buffers;
    }
    lossSum += other.lossSum;
    weightSum += other.weightSum;
    metricSum += other.metricSum;
    count += other.count;
    return this;
  }

  private static float[] concat(float[][] arrays) {
    float[] out = new float[length(arrays)];
    int off = 0;
    for (float[] a : arrays) {
      System.arraycopy(a, 0, out, off, a.length);
      off += a.length;
    }
    return out;
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
  public float[] partial() {
    return partial;
  }

  /** The summed gradient, or null if no row contributed (shared, not a copy). */
  public double[] grad() {
    if (parts != null) {
      Object[] ps = parts;
      parts = null;
      for (Object part : ps) {
        float[] flat = part instanceof float[] f ? f : concat((float[][]) part);
        merge(ofPartition(flat, 0, 0, 0, 0));
      }
    }
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
