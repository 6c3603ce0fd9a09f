package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.tensor.Generator;

/**
 * {@code bce_with_logits}: a binary classifier of one logit whose columns are MLlib's two-entry
 * ones, and a multi-label classifier of an array label with per-label probabilities; both learn,
 * save and reload; bad labels are named.
 */
class BinaryAndMultiLabelFitTest {
  @TempDir Path tmp;

  /** Two Gaussian blobs in 4-D, classes 0 and 1, centres {@code gap} apart on every axis. */
  static Dataset<Row> twoBlobs(int n, double gap, long seed) {
    Generator g = new Generator(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int c = i % 2;
      double[] x = new double[4];
      for (int j = 0; j < 4; j++) {
        x[j] = g.nextGaussian() + (c == 1 ? gap / 2 : -gap / 2);
      }
      rows.add(RowFactory.create(Vectors.dense(x), (double) c));
    }
    return TestSpark.session().createDataFrame(rows, Data.schema());
  }

  /** Rows of 4 Gaussian features with labels [x0 > 0, x1 > 0, x0 + x2 > 0] as array<double>. */
  static Dataset<Row> multiLabel(int n, long seed) {
    Generator g = new Generator(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] x = new double[4];
      for (int j = 0; j < 4; j++) {
        x[j] = g.nextGaussian();
      }
      List<Double> y =
          List.of(x[0] > 0 ? 1.0 : 0.0, x[1] > 0 ? 1.0 : 0.0, x[0] + x[2] > 0 ? 1.0 : 0.0);
      rows.add(RowFactory.create(Vectors.dense(x), y));
    }
    StructType schema =
        new StructType()
            .add("features", SQLDataTypes.VectorType(), false)
            .add("label", DataTypes.createArrayType(DataTypes.DoubleType), false);
    return TestSpark.session().createDataFrame(rows, schema);
  }

  private static NeuralNetClassifier bce() {
    return new NeuralNetClassifier()
        .setLoss("bce_with_logits")
        .setHiddenLayers(new int[] {16})
        .setLearningRate(0.01)
        .setBatchSize(32)
        .setMaxEpochs(15)
        .setSeed(3);
  }

  @Test
  void binaryLogitGivesMllibsTwoEntryColumnsAndLearns() throws Exception {
    Dataset<Row> train = twoBlobs(300, 2.0, 1);
    NeuralNetClassificationModel model = bce().fit(train);
    assertThat(model.numOutputs()).isEqualTo(1);
    assertThat(model.numClasses()).isEqualTo(2);
    assertThat(model.binaryLogit()).isTrue();
    Dataset<Row> scored = model.transform(twoBlobs(200, 2.0, 2));
    int right = 0;
    List<Row> rows =
        scored.select("rawPrediction", "probability", "prediction", "label").collectAsList();
    for (Row r : rows) {
      Vector raw = r.getAs(0);
      Vector p = r.getAs(1);
      assertThat(raw.size()).isEqualTo(2);
      assertThat(p.size()).isEqualTo(2);
      assertThat(raw.apply(0)).isCloseTo(-raw.apply(1), within(1e-12));
      assertThat(p.apply(0) + p.apply(1)).isCloseTo(1.0, within(1e-9));
      // The softmax of rawPrediction is probability, as for a cross-entropy model.
      assertThat(p.apply(1)).isCloseTo(1 / (1 + Math.exp(-2 * raw.apply(1))), within(1e-9));
      assertThat(r.getDouble(2)).isEqualTo(p.apply(1) > 0.5 ? 1.0 : 0.0);
      right += r.getDouble(2) == r.getDouble(3) ? 1 : 0;
    }
    assertThat(right / (double) rows.size()).isGreaterThan(0.9);
    double auc = new BinaryClassificationEvaluator().evaluate(scored);
    assertThat(auc).isGreaterThan(0.95);

    Row first = scored.first();
    Vector f = first.getAs("features");
    assertThat(model.predictProbability(f).toArray())
        .containsExactly(((Vector) first.getAs("probability")).toArray(), within(1e-6));

    String path = tmp.resolve("binary").toString();
    model.write().save(path);
    NeuralNetClassificationModel loaded = NeuralNetClassificationModel.load(path);
    assertThat(loaded.binaryLogit()).isTrue();
    assertThat(loaded.transform(twoBlobs(200, 2.0, 2)).select("probability").collectAsList())
        .isEqualTo(scored.select("probability").collectAsList());
  }

  @Test
  void binaryLogitRefusesALabelOtherThanZeroOrOne() {
    Dataset<Row> bad =
        twoBlobs(40, 2.0, 1).withColumn("label", org.apache.spark.sql.functions.lit(2.0));
    assertThatThrownBy(() -> bce().setMaxEpochs(1).fit(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "column 'label' has label 2.0 in row 0, too large for 2 classes (loss bce_with_logits)");
  }

  @Test
  void multiLabelLearnsPerLabelProbabilities() throws Exception {
    NeuralNetClassificationModel model = bce().setMaxEpochs(25).fit(multiLabel(400, 1));
    assertThat(model.isMultiLabel()).isTrue();
    assertThat(model.numClasses()).isEqualTo(3);
    Dataset<Row> scored = model.transform(multiLabel(200, 2));
    assertThat(scored.schema().apply("prediction").dataType()).isEqualTo(SQLDataTypes.VectorType());
    List<Row> rows =
        scored.select("probability", "prediction", "label", "features").collectAsList();
    int right = 0;
    for (Row r : rows) {
      Vector p = r.getAs(0);
      Vector pred = r.getAs(1);
      List<Double> y = r.getList(2);
      assertThat(p.size()).isEqualTo(3);
      for (int j = 0; j < 3; j++) {
        assertThat(pred.apply(j)).isEqualTo(p.apply(j) > 0.5 ? 1.0 : 0.0);
        right += pred.apply(j) == y.get(j) ? 1 : 0;
      }
    }
    assertThat(right / (3.0 * rows.size())).isGreaterThan(0.85);
    Vector f = rows.get(0).getAs(3);
    assertThat(model.predictLabels(f)).isEqualTo(rows.get(0).getAs(1));
    assertThatThrownBy(() -> model.predict(f))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("use predictLabels");

    String path = tmp.resolve("multi").toString();
    model.write().save(path);
    NeuralNetClassificationModel loaded = NeuralNetClassificationModel.load(path);
    assertThat(loaded.isMultiLabel()).isTrue();
    assertThat(loaded.transform(multiLabel(200, 2)).select("probability").collectAsList())
        .isEqualTo(scored.select("probability").collectAsList());
  }

  @Test
  void multiLabelRefusesCrossEntropyAndValuesOtherThanZeroOrOne() {
    Dataset<Row> data = multiLabel(40, 1);
    assertThatThrownBy(() -> new NeuralNetClassifier().setMaxEpochs(1).fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "labelCol: column 'label' holds several values per row (a multi-label target of 0/1"
                + " per class), which loss cross_entropy cannot learn; set loss to"
                + " bce_with_logits, or give one class index per row");
    Dataset<Row> bad =
        data.withColumn(
            "label",
            org.apache.spark.sql.functions.array(
                org.apache.spark.sql.functions.lit(1.0),
                org.apache.spark.sql.functions.lit(0.5),
                org.apache.spark.sql.functions.lit(0.0)));
    assertThatThrownBy(() -> bce().setMaxEpochs(1).fit(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "column 'label' has 0.5 at index 1 in row 0; a multi-label classifier's labels are 0"
                + " or 1 per class");
  }

  @Test
  void aNetworkParamGivesOneLogitPerLabelValue() {
    String one = "{\"layers\": [{\"type\": \"linear\", \"in_features\": 4, \"out_features\": 1}]}";
    NeuralNetClassificationModel m =
        bce().setNetwork(one).setMaxEpochs(2).fit(twoBlobs(60, 2.0, 1));
    assertThat(m.binaryLogit()).isTrue();
    String two = one.replace("\"out_features\": 1", "\"out_features\": 2");
    assertThatThrownBy(() -> bce().setNetwork(two).setMaxEpochs(1).fit(twoBlobs(60, 2.0, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "network: the last layer outputs 2 values, but column 'label' has 1 label value(s)"
                + " per row");
  }

  @Test
  void classWeightsOfTheWrongSizeAreNamed() {
    assertThatThrownBy(
            () ->
                bce()
                    .setClassWeights(new double[] {1, 2, 3})
                    .setMaxEpochs(1)
                    .fit(twoBlobs(40, 2, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "classWeights has 3 values, but the classifier has 2 classes (binary"
                + " bce_with_logits: weights of labels 0 and 1)");
    assertThatThrownBy(() -> new NeuralNetClassifier().setClassWeights(new double[] {1, -2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("classWeights must be an array of finite numbers >= 0, got [1.0, -2.0]");
  }
}
