package org.sparkgrad.ml;

import java.util.List;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The params of the training target, built for {@link NeuralNetParamSet}: a classifier's {@code
 * classWeights} and {@code labelSmoothing}, a regressor's {@code labelScaling}, and the label
 * statistics a fitted regression model keeps ({@code labelMean}, {@code labelStd}). One place for
 * their names, docs and checks.
 */
final class TargetParamDocs {
  /** The values of {@code labelScaling}. */
  static final List<String> LABEL_SCALINGS = List.of("auto", "none");

  private TargetParamDocs() {}

  static DoubleArrayParam classWeights(Params owner) {
    ParamCheck<double[]> check = ParamCheck.allFiniteAtLeast("classWeights", 0);
    return new DoubleArrayParam(
        owner,
        "classWeights",
        "weight of each class in the loss, PyTorch's CrossEntropyLoss weight: one per class"
            + " (2 for binary bce_with_logits, one per label for multi-label); the mean divides by"
            + " the rows' summed class weights as PyTorch's does; empty: every class weighs 1 ("
            + check.rule()
            + ")",
        check);
  }

  static DoubleParam labelSmoothing(Params owner) {
    ParamCheck<Object> check = ParamCheck.doubleInHalfOpen("labelSmoothing", 0, 1);
    return new DoubleParam(
        owner,
        "labelSmoothing",
        "share of the target mass spread uniformly over the classes, PyTorch's CrossEntropyLoss"
            + " label_smoothing; with bce_with_logits a 0/1 target becomes y (1 - s) + s / 2 ("
            + check.rule()
            + ")",
        check);
  }

  static Param<String> labelScaling(Params owner) {
    ParamCheck<String> check = ParamCheck.oneOf("labelScaling", LABEL_SCALINGS);
    return new Param<>(
        owner,
        "labelScaling",
        "auto: the fit standardises each label value to mean 0 and standard deviation 1 (over the"
            + " training rows, weighted by weightCol), trains on that, keeps the mean and standard"
            + " deviation in the model (labelMean, labelStd) and undoes it in predictions; none:"
            + " train on the raw label ("
            + check.rule()
            + ")",
        check);
  }

  static DoubleArrayParam labelMean(Params owner) {
    return new DoubleArrayParam(
        owner,
        "labelMean",
        "set by the fit: the mean of each label value that labelScaling subtracted before training"
            + " and predictions add back; empty: the label was not scaled");
  }

  static DoubleArrayParam labelStd(Params owner) {
    return new DoubleArrayParam(
        owner,
        "labelStd",
        "set by the fit: the standard deviation of each label value that labelScaling divided by"
            + " before training and predictions multiply by; empty: the label was not scaled");
  }
}
