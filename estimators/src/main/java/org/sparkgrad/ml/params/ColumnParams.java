package org.sparkgrad.ml.params;

import static org.sparkgrad.ml.params.ParamDecl.string;

import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * The columns an estimator reads and its model writes: features, label, weight, prediction and
 * validation indicator.
 */
public interface ColumnParams extends HasParamSet {
  ParamDecl<Param<String>> FEATURES_COL =
      string(
          "featuresCol",
          "features column: an ML Vector, an array<float|double>, or the image column of Spark's"
              + " image data source",
          "features");

  ParamDecl<StringArrayParam> FEATURES_COLS =
      ParamDecl.of(
          "featuresCols",
          "several feature columns, each its own input tensor of a module whose forward takes"
              + " several (moduleFactory or moduleClass), in order: vectors, arrays, images, or"
              + " integer columns (int64 indices, as an Embedding takes); empty: featuresCol",
          (o, n, d) -> new StringArrayParam(o, n, d, ParamCheck.columnNames(n)),
          new String[0]);

  ParamDecl<Param<String>> LABEL_COL =
      ParamDecl.byTask(
          string("labelCol", "label column: class indices 0, 1, ..., numClasses - 1", "label"),
          string(
              "labelCol", "label column: a number, or an ML Vector for several outputs", "label"));

  ParamDecl<Param<String>> WEIGHT_COL =
      string("weightCol", "weight column (>= 0 each); unset or empty: every row weighs 1", null);

  ParamDecl<Param<String>> PREDICTION_COL =
      ParamDecl.byTask(
          string("predictionCol", "predicted class index column", "prediction"),
          string("predictionCol", "predicted value column", "prediction"));

  ParamDecl<Param<String>> VALIDATION_INDICATOR_COL =
      string(
          "validationIndicatorCol",
          "boolean column: true marks validation rows, evaluated every epoch and not trained on",
          null);

  /** The declarations of this group. */
  List<ParamDecl<?>> DECLARED =
      List.of(
          FEATURES_COL,
          FEATURES_COLS,
          LABEL_COL,
          WEIGHT_COL,
          PREDICTION_COL,
          VALIDATION_INDICATOR_COL);

  /** Param for the features column. */
  default Param<String> featuresCol() {
    return paramSet().get(FEATURES_COL);
  }

  /** Returns the features column. */
  default String getFeaturesCol() {
    return getOrDefault(featuresCol());
  }

  /**
   * Param for several feature columns, each its own input tensor of a module whose forward takes
   * several ({@code forward(Tensor...)}); empty to read {@code featuresCol} alone.
   */
  default StringArrayParam featuresCols() {
    return paramSet().get(FEATURES_COLS);
  }

  /** Returns the feature columns; empty when {@code featuresCol} is read alone. */
  default String[] getFeaturesCols() {
    return getOrDefault(featuresCols()).clone();
  }

  /** The feature columns read: {@code featuresCols}, or {@code featuresCol} alone. */
  default List<String> featureColumns() {
    String[] cols = getFeaturesCols();
    return cols.length > 0 ? List.of(cols) : List.of(getFeaturesCol());
  }

  /** Param for the label column. */
  default Param<String> labelCol() {
    return paramSet().get(LABEL_COL);
  }

  /** Returns the label column. */
  default String getLabelCol() {
    return getOrDefault(labelCol());
  }

  /** Param for the weight column; unset or empty for none. */
  default Param<String> weightCol() {
    return paramSet().get(WEIGHT_COL);
  }

  /** Returns the weight column; unset or empty for none. */
  default String getWeightCol() {
    return getOrDefault(weightCol());
  }

  /** Param for the prediction column. */
  default Param<String> predictionCol() {
    return paramSet().get(PREDICTION_COL);
  }

  /** Returns the prediction column. */
  default String getPredictionCol() {
    return getOrDefault(predictionCol());
  }

  /** Param for the validation indicator column; unset or empty for none. */
  default Param<String> validationIndicatorCol() {
    return paramSet().get(VALIDATION_INDICATOR_COL);
  }

  /** Returns the validation indicator column; unset or empty for none. */
  default String getValidationIndicatorCol() {
    return getOrDefault(validationIndicatorCol());
  }
}
