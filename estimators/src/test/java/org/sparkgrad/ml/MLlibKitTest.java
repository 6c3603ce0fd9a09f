package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamsSuite$;
import org.apache.spark.ml.util.MLTestingUtils$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.TestSpark;

/**
 * MLlib's own estimator test kit, from Spark's published test jar, run on both estimators and both
 * models as MLlib runs it on {@code MultilayerPerceptronClassifier}: {@code
 * ParamsSuite.checkParams} (params sorted, owned, found by name; {@code copy} returns the class
 * itself), {@code MLTestingUtils.checkCopyAndUids} (the model has its estimator's uid, a copy keeps
 * the parent) and {@code MLTestingUtils.checkNumericTypes} (every numeric label type gives the
 * model a double label gives; a string label fails with MLlib's message).
 */
class MLlibKitTest {
  private static SparkSession spark;
  private static NeuralNetClassifier classifier;
  private static NeuralNetClassificationModel classifierModel;
  private static NeuralNetRegressor regressor;
  private static NeuralNetRegressionModel regressorModel;

  @BeforeAll
  static void fit() {
    spark = TestSpark.session();
    Dataset<Row> blobs = Data.blobsFrame(60, 5);
    classifier =
        new NeuralNetClassifier()
            .setHiddenLayers(new int[] {5})
            .setBatchSize(20)
            .setMaxEpochs(2)
            .setSeed(3);
    classifierModel = classifier.fit(blobs);
    regressor =
        new NeuralNetRegressor()
            .setHiddenLayers(new int[] {4})
            .setBatchSize(20)
            .setMaxEpochs(2)
            .setSeed(3);
    regressorModel = regressor.fit(blobs);
  }

  @Test
  void checkParamsOnBothEstimatorsAndModels() {
    ParamsSuite$.MODULE$.checkParams(new NeuralNetClassifier());
    ParamsSuite$.MODULE$.checkParams(new NeuralNetRegressor());
    ParamsSuite$.MODULE$.checkParams(classifierModel);
    ParamsSuite$.MODULE$.checkParams(regressorModel);
  }

  @Test
  void copyIsDeclaredWithTheConcreteReturnType() throws NoSuchMethodException {
    // What checkParams asks, stated directly so a failure names the class.
    assertThat(NeuralNetClassifier.class.getMethod("copy", ParamMap.class).getReturnType())
        .isEqualTo(NeuralNetClassifier.class);
    assertThat(NeuralNetRegressor.class.getMethod("copy", ParamMap.class).getReturnType())
        .isEqualTo(NeuralNetRegressor.class);
    NeuralNetClassifier c = classifier.copy(ParamMap.empty());
    assertThat(c).isNotSameAs(classifier);
    assertThat(c.uid()).isEqualTo(classifier.uid());
    assertThat(c.getMaxEpochs()).isEqualTo(2);
    NeuralNetRegressor r = regressor.copy(new ParamMap().put(regressor.maxEpochs(), 7));
    assertThat(r.getMaxEpochs()).isEqualTo(7);
    assertThat(regressor.getMaxEpochs()).isEqualTo(2);
  }

  @Test
  void checkCopyAndUidsOnBothPairs() {
    MLTestingUtils$.MODULE$.checkCopyAndUids(classifier, classifierModel);
    MLTestingUtils$.MODULE$.checkCopyAndUids(regressor, regressorModel);
    assertThat(classifierModel.parent()).isSameAs(classifier);
    assertThat(regressorModel.copy(ParamMap.empty()).parent()).isSameAs(regressor);
  }

  @Test
  void checkNumericTypesOnTheClassifier() {
    NeuralNetClassifier est =
        new NeuralNetClassifier()
            .setHiddenLayers(new int[] {3})
            .setBatchSize(5)
            .setMaxEpochs(2)
            .setSeed(11);
    MLTestingUtils$.MODULE$.<NeuralNetClassificationModel, NeuralNetClassifier>checkNumericTypes(
        est,
        spark,
        true,
        (expected, actual) -> {
          assertThat(actual.numClasses()).isEqualTo(2);
          assertThat(actual.weights()).containsExactly(expected.weights());
          return scala.runtime.BoxedUnit.UNIT;
        });
  }

  @Test
  void checkNumericTypesOnTheRegressor() {
    NeuralNetRegressor est =
        new NeuralNetRegressor()
            .setHiddenLayers(new int[] {3})
            .setBatchSize(2)
            .setMaxEpochs(2)
            .setSeed(11);
    MLTestingUtils$.MODULE$.<NeuralNetRegressionModel, NeuralNetRegressor>checkNumericTypes(
        est,
        spark,
        false,
        (expected, actual) -> {
          assertThat(actual.numFeatures()).isEqualTo(1);
          assertThat(actual.weights()).containsExactly(expected.weights());
          return scala.runtime.BoxedUnit.UNIT;
        });
  }

  @Test
  void aStringLabelFailsWithMllibsWordingAndNamesTheParam() {
    Dataset<Row> strings =
        Data.blobsFrame(6, 2).withColumn("label", org.apache.spark.sql.functions.lit("x"));
    assertThatThrownBy(() -> new NeuralNetRegressor().fit(strings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "labelCol: Column label must be of type numeric but was actually of type string."
                + " An ML Vector or an array of numbers (several label values per row) is"
                + " accepted too.");
  }
}
