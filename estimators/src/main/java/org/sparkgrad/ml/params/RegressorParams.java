package org.sparkgrad.ml.params;

import java.util.List;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.Param;
import org.sparkgrad.ml.params.ParamDecl.Task;

/**
 * The regressor's own params: how the label is scaled for training ({@code labelScaling}), and the
 * label statistics a fitted model keeps ({@code labelMean}, {@code labelStd}; {@link
 * #MODEL_DECLARED}, params of the model only).
 */
public interface RegressorParams extends HasParamSet {
  /** The values of {@code labelScaling}. */
  List<String> LABEL_SCALINGS = List.of("auto", "none");

  ParamDecl<Param<String>> LABEL_SCALING =
      ParamDecl.choice(
              "labelScaling",
              "auto: the fit standardises each label value to mean 0 and standard deviation 1"
                  + " (over the training rows, weighted by weightCol), trains on that, keeps the"
                  + " mean and standard deviation in the model (labelMean, labelStd) and undoes it"
                  + " in predictions; none: train on the raw label",
              LABEL_SCALINGS,
              "auto")
          .onlyFor(Task.REGRESSION);

  ParamDecl<DoubleArrayParam> LABEL_MEAN =
      ParamDecl.of(
              "labelMean",
              "set by the fit: the mean of each label value that labelScaling subtracted before"
                  + " training and predictions add back; empty: the label was not scaled",
              DoubleArrayParam::new,
              new double[0])
          .onlyFor(Task.REGRESSION);

  ParamDecl<DoubleArrayParam> LABEL_STD =
      ParamDecl.of(
              "labelStd",
              "set by the fit: the standard deviation of each label value that labelScaling"
                  + " divided by before training and predictions multiply by; empty: the label"
                  + " was not scaled",
              DoubleArrayParam::new,
              new double[0])
          .onlyFor(Task.REGRESSION);

  /** The declarations of this group that estimators and models have. */
  List<ParamDecl<?>> DECLARED = List.of(LABEL_SCALING);

  /** The declarations of this group that only a fitted model has. */
  List<ParamDecl<?>> MODEL_DECLARED = List.of(LABEL_MEAN, LABEL_STD);

  /** Param for the label scaling: {@code auto} (standardise, the default) or {@code none}. */
  default Param<String> labelScaling() {
    return paramSet().get(LABEL_SCALING);
  }

  /** Returns the label scaling: {@code auto} or {@code none}. */
  default String getLabelScaling() {
    return getOrDefault(labelScaling());
  }
}
