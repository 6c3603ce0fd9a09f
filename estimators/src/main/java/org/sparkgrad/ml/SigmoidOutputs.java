package org.sparkgrad.ml;

import org.apache.spark.ml.linalg.DenseVector;

/**
 * The output columns of a classifier trained with {@code bce_with_logits}, from its sigmoid logits.
 *
 * <ul>
 *   <li>Binary (one logit {@code z}): as MLlib's binary classifiers, two entries each: {@code
 *       rawPrediction} {@code [-z/2, z/2]} (the two-class logits centred, as a cross-entropy model
 *       gives them, so their softmax is {@code probability}), {@code probability} {@code [1 -
 *       sigmoid(z), sigmoid(z)]}, {@code prediction} 1 where {@code z > 0}, else 0.
 *   <li>Multi-label (one logit per label): {@code rawPrediction} the logits, {@code probability}
 *       each label's sigmoid, {@code prediction} a vector of 0/1, 1 where the probability is above
 *       0.5 (the label's own form).
 * </ul>
 */
final class SigmoidOutputs {
  private SigmoidOutputs() {}

  /** The values of the binary case. */
  static Scoring.Outputs binary(boolean raw, boolean probability, boolean prediction) {
    return new Binary(raw, probability, prediction);
  }

  /** The values of the multi-label case. */
  static Scoring.Outputs multiLabel(boolean raw, boolean probability, boolean prediction) {
    return new MultiLabel(raw, probability, prediction);
  }

  /** {@code 1 / (1 + exp(-z))}, without overflow for large {@code |z|}. */
  static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1 + e);
  }

  private record Binary(boolean raw, boolean probability, boolean prediction)
      implements Scoring.Outputs {
    @Override
    public int count() {
      return (raw ? 1 : 0) + (probability ? 1 : 0) + (prediction ? 1 : 0);
    }

    @Override
    public void values(float[] out, int from, int width, Object[] dst, int at) {
      double z = out[from];
      int k = at;
      if (raw) {
        dst[k++] = new DenseVector(new double[] {-z / 2, z / 2});
      }
      if (probability) {
        double p = sigmoid(z);
        dst[k++] = new DenseVector(new double[] {sigmoid(-z), p});
      }
      if (prediction) {
        dst[k] = z > 0 ? 1.0 : 0.0;
      }
    }
  }

  private record MultiLabel(boolean raw, boolean probability, boolean prediction)
      implements Scoring.Outputs {
    @Override
    public int count() {
      return (raw ? 1 : 0) + (probability ? 1 : 0) + (prediction ? 1 : 0);
    }

    @Override
    public void values(float[] out, int from, int width, Object[] dst, int at) {
      double[] logits = new double[width];
      double[] probs = new double[width];
      double[] labels = new double[width];
      for (int j = 0; j < width; j++) {
        logits[j] = out[from + j];
        probs[j] = sigmoid(logits[j]);
        labels[j] = logits[j] > 0 ? 1 : 0;
      }
      int k = at;
      if (raw) {
        dst[k++] = new DenseVector(logits);
      }
      if (probability) {
        dst[k++] = new DenseVector(probs);
      }
      if (prediction) {
        dst[k] = new DenseVector(labels);
      }
    }
  }
}
