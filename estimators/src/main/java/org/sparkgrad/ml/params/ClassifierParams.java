package org.sparkgrad.ml.params;

import java.util.List;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.sparkgrad.ml.params.ParamDecl.Task;

/**
 * The classifier's own params: its two extra output columns, and the loss's class weights and label
 * smoothing.
 */
public interface ClassifierParams extends HasParamSet {
  ParamDecl<Param<String>> RAW_PREDICTION_COL =
      ParamDecl.string(
              "rawPredictionCol",
              "raw prediction column: the network's logits, centred to mean 0 (softmax-invariant)",
              "rawPrediction")
          .onlyFor(Task.CLASSIFICATION);

  ParamDecl<Param<String>> PROBABILITY_COL =
      ParamDecl.string(
              "probabilityCol", "class probability column: softmax of the logits", "probability")
          .onlyFor(Task.CLASSIFICATION);

  ParamDecl<DoubleArrayParam> CLASS_WEIGHTS = declareClassWeights();

  ParamDecl<DoubleParam> LABEL_SMOOTHING =
      ParamDecl.number(
              "labelSmoothing",
              "share of the target mass spread uniformly over the classes, PyTorch's"
                  + " CrossEntropyLoss label_smoothing; with bce_with_logits a 0/1 target becomes"
                  + " y (1 - s) + s / 2",
              ParamCheck.doubleInHalfOpen("labelSmoothing", 0, 1),
              0.0)
          .onlyFor(Task.CLASSIFICATION);

  /** The declarations of this group. */
  List<ParamDecl<?>> DECLARED =
      List.of(RAW_PREDICTION_COL, PROBABILITY_COL, CLASS_WEIGHTS, LABEL_SMOOTHING);

  private static ParamDecl<DoubleArrayParam> declareClassWeights() {
    ParamCheck<double[]> check = ParamCheck.allFiniteAtLeast("classWeights", 0);
    return ParamDecl.of(
            "classWeights",
            ParamDecl.withRule(
                "weight of each class in the loss, PyTorch's CrossEntropyLoss weight: one per"
                    + " class (2 for binary bce_with_logits, one per label for multi-label); the"
                    + " mean divides by the rows' summed class weights as PyTorch's does; empty:"
                    + " every class weighs 1",
                check),
            (o, n, d) -> new DoubleArrayParam(o, n, d, check),
            new double[0])
        .onlyFor(Task.CLASSIFICATION);
  }

  /** Param for the weight of each class in the loss; empty for none. */
  default DoubleArrayParam classWeights() {
    return paramSet().get(CLASS_WEIGHTS);
  }

  /** Returns the weight of each class in the loss; empty for none. */
  default double[] getClassWeights() {
    return getOrDefault(classWeights()).clone();
  }

  /** Param for the label smoothing in [0, 1). */
  default DoubleParam labelSmoothing() {
    return paramSet().get(LABEL_SMOOTHING);
  }

  /** Returns the label smoothing in [0, 1). */
  default double getLabelSmoothing() {
    return (Double) getOrDefault(labelSmoothing());
  }

  /** Param for the raw prediction (logits) column. */
  default Param<String> rawPredictionCol() {
    return paramSet().get(RAW_PREDICTION_COL);
  }

  /** Returns the raw prediction (logits) column. */
  default String getRawPredictionCol() {
    return getOrDefault(rawPredictionCol());
  }

  /** Param for the class probability column. */
  default Param<String> probabilityCol() {
    return paramSet().get(PROBABILITY_COL);
  }

  /** Returns the class probability column. */
  default String getProbabilityCol() {
    return getOrDefault(probabilityCol());
  }
}
