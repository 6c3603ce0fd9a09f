package org.sparkgrad.ml;

import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.attribute.NumericAttribute;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.data.Columns;

/**
 * The output columns of both models, as MLlib's: a classifier's {@code rawPrediction} and {@code
 * probability} vectors and {@code prediction} class index (with nominal metadata), a regressor's
 * {@code prediction} number or vector. An output param set to the empty string leaves its column
 * out.
 */
final class OutputColumns {
  private OutputColumns() {}

  /**
   * A classifier's output schema; {@code numClasses} (or -1 if not yet known) goes into the
   * columns' ML metadata.
   */
  static StructType classifier(NeuralNetClassifierParams p, StructType schema, int numClasses) {
    return classifier(p, schema, numClasses, false);
  }

  /**
   * As {@link #classifier(NeuralNetClassifierParams, StructType, int)}; a multi-label classifier's
   * {@code prediction} is a vector of 0/1 per label rather than a class index.
   */
  static StructType classifier(
      NeuralNetClassifierParams p, StructType schema, int numClasses, boolean multiLabel) {
    StructType out = schema;
    if (!p.getRawPredictionCol().isEmpty()) {
      out = add(out, vectorField(p.getRawPredictionCol(), numClasses), "rawPredictionCol");
    }
    if (!p.getProbabilityCol().isEmpty()) {
      out = add(out, vectorField(p.getProbabilityCol(), numClasses), "probabilityCol");
    }
    if (!p.getPredictionCol().isEmpty() && multiLabel) {
      out = add(out, vectorField(p.getPredictionCol(), numClasses), "predictionCol");
    } else if (!p.getPredictionCol().isEmpty()) {
      NominalAttribute a = NominalAttribute.defaultAttr().withName(p.getPredictionCol());
      if (numClasses > 0) {
        a = a.withNumValues(numClasses);
      }
      out = add(out, a.toStructField(), "predictionCol");
    }
    return out;
  }

  /** A regressor's output schema: a number, or a vector of {@code numOutputs} if {@code vector}. */
  static StructType regressor(
      NeuralNetParams p, StructType schema, boolean vector, int numOutputs) {
    if (p.getPredictionCol().isEmpty()) {
      return schema;
    }
    StructField f =
        vector
            ? vectorField(p.getPredictionCol(), numOutputs)
            : NumericAttribute.defaultAttr().withName(p.getPredictionCol()).toStructField();
    return add(schema, f, "predictionCol");
  }

  private static StructField vectorField(String name, int size) {
    return size > 0
        ? new AttributeGroup(name, size).toStructField()
        : DataTypes.createStructField(name, SQLDataTypes.VectorType(), false);
  }

  private static StructType add(StructType schema, StructField f, String param) {
    Columns.requireAbsent(schema, f.name(), param);
    return schema.add(f);
  }

  /** A classifier's output values: centred logits, softmax, arg-max. */
  static Scoring.Outputs classifierValues(boolean raw, boolean probability, boolean prediction) {
    return new ClassifierValues(raw, probability, prediction);
  }

  /**
   * A regressor's output value: the number, or the vector, each network output unscaled by {@code
   * scale} (null: as it is).
   */
  static Scoring.Outputs regressorValues(boolean prediction, boolean vector, LabelScale scale) {
    return new RegressorValues(prediction, vector, scale);
  }

  private record ClassifierValues(boolean raw, boolean probability, boolean prediction)
      implements Scoring.Outputs {
    @Override
    public int count() {
      return (raw ? 1 : 0) + (probability ? 1 : 0) + (prediction ? 1 : 0);
    }

    @Override
    public void values(float[] out, int from, int width, Object[] dst, int at) {
      double mean = 0;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < width; j++) {
        mean += out[from + j];
        max = Math.max(max, out[from + j]);
      }
      mean /= width;
      double[] logits = new double[width];
      double[] probs = new double[width];
      double sum = 0;
      int best = 0;
      for (int j = 0; j < width; j++) {
        logits[j] = out[from + j] - mean;
        probs[j] = Math.exp(out[from + j] - max);
        sum += probs[j];
        if (out[from + j] > out[from + best]) {
          best = j;
        }
      }
      for (int j = 0; j < width; j++) {
        probs[j] /= sum;
      }
      int k = at;
      if (raw) {
        dst[k++] = new DenseVector(logits);
      }
      if (probability) {
        dst[k++] = new DenseVector(probs);
      }
      if (prediction) {
        dst[k] = (double) best;
      }
    }
  }

  private record RegressorValues(boolean prediction, boolean vector, LabelScale scale)
      implements Scoring.Outputs {
    @Override
    public int count() {
      return prediction ? 1 : 0;
    }

    @Override
    public void values(float[] out, int from, int width, Object[] dst, int at) {
      if (!prediction) {
        return;
      }
      if (vector) {
        double[] v = new double[width];
        for (int j = 0; j < width; j++) {
          v[j] = scale == null ? out[from + j] : scale.unscale(out[from + j], j);
        }
        dst[at] = new DenseVector(v);
      } else {
        dst[at] = scale == null ? (double) out[from] : scale.unscale(out[from], 0);
      }
    }
  }
}
