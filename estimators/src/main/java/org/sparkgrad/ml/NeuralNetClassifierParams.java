package org.sparkgrad.ml;

import org.apache.spark.ml.param.Param;

/** The classifier's params beyond {@link NeuralNetParams}: its two extra output columns. */
public interface NeuralNetClassifierParams extends NeuralNetParams {

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
