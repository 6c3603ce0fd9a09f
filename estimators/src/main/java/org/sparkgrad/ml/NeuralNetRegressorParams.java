package org.sparkgrad.ml;

import org.apache.spark.ml.param.Param;

/** The regressor's params beyond {@link NeuralNetParams}: how the label is scaled for training. */
public interface NeuralNetRegressorParams extends NeuralNetParams {

  /** Param for the label scaling: {@code auto} (standardise, the default) or {@code none}. */
  default Param<String> labelScaling() {
    return paramSet().labelScaling;
  }

  /** Returns the label scaling: {@code auto} or {@code none}. */
  default String getLabelScaling() {
    return getOrDefault(labelScaling());
  }
}
