package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.ml.train.TrainingDivergedException;
import org.sparkgrad.tensor.Device;

/**
 * Every bad input fails with an error naming the culprit (column, row, param, size) and leaves
 * nothing behind: no cached data, no model.
 */
class BadInputTest {
  private static final NeuralNetClassifier QUICK =
      new NeuralNetClassifier().setHiddenLayers(new int[] {3}).setMaxEpochs(1).setBatchSize(8);

  /** Ten good rows in two partitions, with row {@code bad} replaced by {@code badRow}. */
  private static Dataset<Row> frame(int bad, Row badRow) {
    List<Row> rows = new ArrayList<>(Data.blobs(10, 3));
    if (badRow != null) {
      rows.set(bad, badRow);
    }
    return TestSpark.session().createDataFrame(rows, Data.schema()).coalesce(2);
  }

  private static void assertFitFails(NeuralNetEstimator<?, ?> est, Dataset<Row> df, String msg) {
    assertThatThrownBy(() -> est.fit(df))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(msg);
    assertThat(TestSpark.session().sparkContext().getPersistentRDDs().isEmpty())
        .as("cached data left behind")
        .isTrue();
  }

  private static void assertFitFails(Dataset<Row> df, String msg) {
    assertFitFails(QUICK, df, msg);
  }

  @Test
  void missingFeaturesColumn() {
    assertFitFails(
        frame(0, null).withColumnRenamed("features", "x"),
        "featuresCol: column 'features' does not exist; the DataFrame has columns [x, label]");
  }

  @Test
  void mistypedFeaturesColumn() {
    assertFitFails(
        frame(0, null).withColumn("features", functions.lit("a")),
        "featuresCol: column 'features' must be an ML Vector, an array<float> or array<double>,"
            + " or the image column of Spark's image data source, got string");
  }

  @Test
  void missingLabelColumn() {
    assertFitFails(
        QUICK.copy(new org.apache.spark.ml.param.ParamMap()).setLabelCol("y"),
        frame(0, null),
        "labelCol: column 'y' does not exist; the DataFrame has columns [features, label]");
  }

  @Test
  void mistypedLabelColumn() {
    assertFitFails(
        frame(0, null).withColumn("label", functions.lit("cat")),
        "labelCol: Column label must be of type numeric but was actually of type string. An ML"
            + " Vector or an array of numbers (several label values per row) is accepted too.");
  }

  @Test
  void vectorOfTheWrongSizeNamesItsRow() {
    assertFitFails(
        frame(7, RowFactory.create(Vectors.dense(1, 2, 3), 1.0)),
        "column 'features' has a vector of size 3 in row 7, expected 4 (the size of the first"
            + " row)");
  }

  @Test
  void nullFeatures() {
    assertFitFails(frame(5, RowFactory.create(null, 1.0)), "column 'features' is null in row 5");
  }

  @Test
  void nullLabel() {
    assertFitFails(
        frame(2, RowFactory.create(Vectors.dense(1, 2, 3, 4), null)),
        "column 'label' is null in row 2");
  }

  @Test
  void nanFeatures() {
    assertFitFails(
        frame(4, RowFactory.create(Vectors.dense(1, Double.NaN, 3, 4), 0.0)),
        "column 'features' has NaN at index 1 in row 4; features must be finite (and fit in a"
            + " float)");
  }

  @Test
  void infiniteFeatures() {
    assertFitFails(
        frame(6, RowFactory.create(Vectors.sparse(4, new int[] {2}, new double[] {1e39}), 0.0)),
        "column 'features' has Infinity at index 2 in row 6; features must be finite (and fit in"
            + " a float)");
  }

  @Test
  void negativeLabel() {
    assertFitFails(
        frame(3, RowFactory.create(Vectors.dense(1, 2, 3, 4), -1.0)),
        "column 'label' has label -1.0 in row 3; class labels must be integers 0, 1, 2, ...");
  }

  @Test
  void fractionalLabel() {
    assertFitFails(
        frame(9, RowFactory.create(Vectors.dense(1, 2, 3, 4), 1.5)),
        "column 'label' has label 1.5 in row 9; class labels must be integers 0, 1, 2, ...");
  }

  @Test
  void labelTooLargeForTheMetadataOrTheNetwork() {
    Dataset<Row> df = frame(0, null);
    Dataset<Row> twoClasses =
        df.withColumn(
            "label",
            functions
                .col("label")
                .as("label", NominalAttribute.defaultAttr().withNumValues(2).toMetadata()));
    assertFitFails(
        twoClasses,
        "column 'label' has label 2.0 in row 2, too large for 2 classes (from the label column's"
            + " metadata): labels must be in [0, 2)");
    NeuralNetClassifier net =
        QUICK
            .copy(new org.apache.spark.ml.param.ParamMap())
            .setNetwork(
                "{\"layers\": [{\"type\": \"linear\", \"in_features\": 4, \"out_features\": 2}]}");
    assertFitFails(
        net,
        df,
        "column 'label' has label 2.0 in row 2, too large for 2 classes (the out_features of the"
            + " network param's last linear layer): labels must be in [0, 2)");
    assertFitFails(
        frame(1, RowFactory.create(Vectors.dense(1, 2, 3, 4), 150.0)),
        "column 'label' has labels up to 150.0, i.e. 151 classes, more than the 100 that are"
            + " inferred from label values; give the column nominal metadata (StringIndexer does)"
            + " or set the network param");
  }

  @Test
  void emptyDataFrame() {
    assertFitFails(
        frame(0, null).limit(0), "the input DataFrame is empty: there is nothing to train on");
  }

  @Test
  void paramCombinationsThatCannotWork() {
    assertFitFails(
        QUICK.copy(new org.apache.spark.ml.param.ParamMap()).setEarlyStoppingPatience(2),
        frame(0, null),
        "earlyStoppingPatience is 2 but validationIndicatorCol is not set: early stopping needs"
            + " validation rows");
    assertFitFails(
        QUICK.copy(new org.apache.spark.ml.param.ParamMap()).setBatchSize(64).setDropLast(true),
        frame(0, null),
        "batchSize 64 is larger than the 10 training rows and dropLast is true: no step would"
            + " run; lower batchSize or set dropLast to false");
  }

  @Test
  void malformedNetworkJsonFailsWhenSet() {
    NeuralNetClassifier c = QUICK.copy(new org.apache.spark.ml.param.ParamMap());
    assertThatThrownBy(() -> c.setNetwork("{\"layers\": ["))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("network JSON is malformed: invalid JSON at position 12");
    assertThatThrownBy(() -> c.setNetwork("{\"layers\": [{\"type\": \"conv3d\"}]}"))
        .hasMessageStartingWith("network layer 0: unknown type 'conv3d'; expected one of");
    assertThat(c.getNetwork()).isEmpty();
  }

  @Test
  void networkInputSizeMustMatchTheFeatures() {
    assertFitFails(
        QUICK
            .copy(new org.apache.spark.ml.param.ParamMap())
            .setNetwork(
                "{\"layers\": [{\"type\": \"linear\", \"in_features\": 5, \"out_features\": 3}]}"),
        frame(0, null),
        "network: the first layer takes 5 inputs, but column 'features' has vectors of size 4"
            + " (the size of the first row)");
  }

  @Test
  void validationColumnMustBeBooleanAndSelectSomething() {
    NeuralNetClassifier c =
        QUICK.copy(new org.apache.spark.ml.param.ParamMap()).setValidationIndicatorCol("v");
    assertFitFails(
        c,
        frame(0, null).withColumn("v", functions.lit(1)),
        "validationIndicatorCol: column 'v' must be boolean (true marks a validation row), got"
            + " int");
    assertFitFails(
        c,
        frame(0, null).withColumn("v", functions.lit(false)),
        "validationIndicatorCol: column 'v' selects no rows (it is never true); unset it or mark"
            + " some rows");
    assertFitFails(
        c,
        frame(0, null).withColumn("v", functions.lit(true)),
        "validationIndicatorCol: column 'v' is true in every row; no rows are left to train on");
  }

  @Test
  void negativeWeights() {
    StructType schema = Data.schema().add("w", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (Row r : Data.blobs(10, 3)) {
      rows.add(RowFactory.create(r.get(0), r.get(1), rows.size() == 2 ? -1.0 : 1.0));
    }
    assertFitFails(
        QUICK.copy(new org.apache.spark.ml.param.ParamMap()).setWeightCol("w"),
        TestSpark.session().createDataFrame(rows, schema).coalesce(2),
        "column 'w' has weight -1.0 in row 2; weights must be finite and >= 0");
    assertFitFails(
        QUICK.copy(new org.apache.spark.ml.param.ParamMap()).setWeightCol("weight"),
        frame(0, null),
        "weightCol: column 'weight' does not exist; the DataFrame has columns [features, label]");
    assertFitFails(
        QUICK.copy(new org.apache.spark.ml.param.ParamMap()).setWeightCol("w"),
        frame(0, null).withColumn("w", functions.lit(0)),
        "weightCol: column 'w' gives every training row weight 0; there is nothing to learn from");
    assertFitFails(
        QUICK.copy(new org.apache.spark.ml.param.ParamMap()).setWeightCol("w"),
        frame(0, null).withColumn("w", functions.lit("heavy")),
        "weightCol: Column w must be of type numeric but was actually of type string.");
  }

  @Test
  void transformWithoutTheFeaturesColumn() {
    NeuralNetClassificationModel m = QUICK.fit(frame(0, null));
    assertThatThrownBy(() -> m.transform(frame(0, null).drop("features")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "featuresCol: column 'features' does not exist; the DataFrame has columns [label]");
    assertThatThrownBy(() -> m.transform(m.transform(frame(0, null))))
        .hasMessage(
            "rawPredictionCol: output column 'rawPrediction' already exists in the DataFrame");
  }

  @Test
  void aDivergingFitReturnsNoModel() {
    StructType schema = Data.schema();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(RowFactory.create(Vectors.dense(i, -i), 1e30 * (i % 3)));
    }
    Dataset<Row> df = TestSpark.session().createDataFrame(rows, schema);
    NeuralNetRegressor r =
        new NeuralNetRegressor()
            .setOptimizer("sgd")
            .setLearningRate(1.0)
            .setBatchSize(10)
            .setMaxEpochs(3)
            // Labels of 1e30 on the raw scale diverge; the default labelScaling would tame them.
            .setLabelScaling("none");
    assertThatThrownBy(() -> r.fit(df))
        .isInstanceOf(TrainingDivergedException.class)
        .hasMessageMatching(
            "training diverged: the loss became (NaN|Infinity) at epoch 1/3, step [1-4]/4; try a"
                + " lower learningRate \\(it was 1.0\\) or set gradClipNorm");
    assertThat(TestSpark.session().sparkContext().getPersistentRDDs().isEmpty()).isTrue();
  }

  @Test
  void aGpuThatIsNotThereIsNamed() {
    Assumptions.assumeFalse(Backends.isAvailable(Device.cuda(0)), "this machine has a GPU backend");
    assertThatThrownBy(
            () ->
                QUICK
                    .copy(new org.apache.spark.ml.param.ParamMap())
                    .setDevice("gpu")
                    .fit(frame(0, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("device is 'gpu' but no GPU can be used here: ")
        .hasMessageEndingWith("; set device to 'auto' or 'cpu' to run on the CPU");
    assertThat(TestSpark.session().sparkContext().getPersistentRDDs().isEmpty()).isTrue();
    assertThat(Arrays.asList(QUICK.params())).isNotEmpty();
  }
}
