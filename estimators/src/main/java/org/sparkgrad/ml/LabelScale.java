package org.sparkgrad.ml;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The standardisation of a regressor's label ({@code labelScaling=auto}): the network learns {@code
 * (y - mean) / std} per label value, and a prediction is the network's output times {@code std}
 * plus {@code mean}. A label value that is the same in every training row has {@code std} 1, so it
 * is only centred.
 */
final class LabelScale implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] mean;
  private final double[] std;

  /**
   * A scale of {@code mean} and {@code std} per label value.
   *
   * @throws IllegalArgumentException if their sizes differ or a std is not finite and {@code > 0}
   */
  LabelScale(double[] mean, double[] std) {
    if (mean.length != std.length) {
      throw new IllegalArgumentException(
          "labelMean has " + mean.length + " values but labelStd has " + std.length);
    }
    for (double s : std) {
      if (!(s > 0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException(
            "labelStd must hold finite values > 0, got " + Arrays.toString(std));
      }
    }
    for (double m : mean) {
      if (!Double.isFinite(m)) {
        throw new IllegalArgumentException(
            "labelMean must hold finite values, got " + Arrays.toString(mean));
      }
    }
    this.mean = mean.clone();
    this.std = std.clone();
  }

  /** The scale of the training rows' statistics, a constant label value getting std 1. */
  static LabelScale of(double[] mean, double[] std) {
    double[] s = std.clone();
    for (int j = 0; j < s.length; j++) {
      if (!(s[j] > 0)) {
        s[j] = 1;
      }
    }
    return new LabelScale(mean, s);
  }

  double[] mean() {
    return mean.clone();
  }

  double[] std() {
    return std.clone();
  }

  float[] meanFloats() {
    return floats(mean);
  }

  float[] stdFloats() {
    return floats(std);
  }

  /** A network output of label value {@code j} in the label's units. */
  double unscale(double out, int j) {
    return out * std[j] + mean[j];
  }

  private static float[] floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
