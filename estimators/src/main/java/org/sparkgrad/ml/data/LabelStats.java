package org.sparkgrad.ml.data;

import java.io.Serializable;

/**
 * Each label value's mean and standard deviation (population, {@code ddof = 0}, as scikit-learn's
 * {@code StandardScaler}) over a fit's training rows, weighted by {@code weightCol}.
 */
public final class LabelStats implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] mean;
  private final double[] std;

  /**
   * The statistics of weighted sums.
   *
   * @param moments per label value {@code j}: {@code moments[2j]} the weighted sum of the values,
   *     {@code moments[2j + 1]} the weighted sum of their squares
   * @param weight the summed weight of the rows, {@code > 0}
   */
  static LabelStats of(double[] moments, double weight) {
    int dim = moments.length / 2;
    double[] mean = new double[dim];
    double[] std = new double[dim];
    for (int j = 0; j < dim; j++) {
      mean[j] = moments[2 * j] / weight;
      std[j] = Math.sqrt(Math.max(0, moments[2 * j + 1] / weight - mean[j] * mean[j]));
    }
    return new LabelStats(mean, std);
  }

  private LabelStats(double[] mean, double[] std) {
    this.mean = mean;
    this.std = std;
  }

  /** The mean of each label value (a copy). */
  public double[] mean() {
    return mean.clone();
  }

  /** The standard deviation of each label value (a copy); 0 for a constant one. */
  public double[] std() {
    return std.clone();
  }
}
