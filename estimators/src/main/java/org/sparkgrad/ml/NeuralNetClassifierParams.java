package org.sparkgrad.ml;

import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;

/**
 * The classifier's params beyond {@link NeuralNetParams}: its two extra output columns, and the
 * loss's class weights and label smoothing.
 */
public interface NeuralNetClassifierParams extends NeuralNetParams {

  /** Param for the weight of each class in the loss; empty for none. */
  default DoubleArrayParam classWeights() {
    return paramSet().classWeights;
  }

  /** Returns the weight of each class in the loss; empty for none. */
  default double[] getClassWeights() {
    return getOrDefault(classWeights()).clone();
  }

  /** Param for the label smoothing in [0, 1). */
  default DoubleParam labelSmoothing() {
    return paramSet().labelSmoothing;
  }

  /** Returns the label smoothing in [0, 1). */
  default double getLabelSmoothing() {
    return (Double) getOrDefault(labelSmoothing());
  }

  /** Param for the raw prediction (logits) column. */
  default Param<String> rawPredictionCol() {
    return paramSet().rawPredictionCol;
  }

  /** Returns the raw prediction (logits) column. */
  default String getRawPredictionCol() {
    return getOrDefault(rawPredictionCol());
  }

  /** Param for the class probability column. */
  default Param<String> probabilityCol() {
    return paramSet().probabilityCol;
  }

  /** Returns the class probability column. */
  default String getProbabilityCol() {
    return getOrDefault(probabilityCol());
  }
}
