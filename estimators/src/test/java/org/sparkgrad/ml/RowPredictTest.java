package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.tensor.Generator;

/**
 * The models' single-row API (MLlib's {@code predict}, {@code predictRaw}, {@code
 * predictProbability}, {@code numFeatures}, {@code numClasses}): for every row, exactly the values
 * {@code transform} puts in that row, for fitted and for hand-built networks of any layout. The
 * models score on the CPU ({@code device=cpu}), where {@code predict} computes, so that a machine
 * with a GPU compares the same arithmetic.
 */
class RowPredictTest {
  private static Dataset<Row> data;
  private static NeuralNetClassificationModel classifier;
  private static NeuralNetRegressionModel regressor;

  @BeforeAll
  static void fit() {
    data = Data.blobsFrame(45, 12);
    classifier =
        new NeuralNetClassifier()
            .setHiddenLayers(new int[] {7, 5})
            .setBatchSize(15)
            .setMaxEpochs(2)
            .setSeed(2)
            .fit(data);
    regressor =
        new NeuralNetRegressor()
            .setHiddenLayers(new int[] {6})
            .setBatchSize(15)
            .setMaxEpochs(2)
            .setSeed(2)
            .fit(data);
  }

  /** Features of {@code n} rows of {@code d} values, a few of them sparse. */
  private static Dataset<Row> features(int n, int d, long seed) {
    Generator g = new Generator(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] x = new double[d];
      for (int j = 0; j < d; j++) {
        x[j] = g.nextGaussian() * 2;
      }
      Vector v =
          i % 4 == 3
              ? Vectors.sparse(d, new int[] {0, d - 1}, new double[] {x[0], x[1]})
              : Vectors.dense(x);
      rows.add(RowFactory.create(v));
    }
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false);
    return TestSpark.session().createDataFrame(rows, schema).repartition(3);
  }

  private static void assertClassifierRowsMatch(NeuralNetClassificationModel m, Dataset<Row> df) {
    List<Row> rows =
        m.setDevice("cpu")
            .transform(df)
            .select("features", "rawPrediction", "probability", "prediction")
            .collectAsList();
    assertThat(rows).hasSizeGreaterThan(10);
    for (Row r : rows) {
      Vector x = r.getAs(0);
      assertThat(m.predictRaw(x).toArray())
          .as("predictRaw(%s)", x)
          .containsExactly(((Vector) r.getAs(1)).toArray());
      assertThat(m.predictProbability(x).toArray())
          .as("predictProbability(%s)", x)
          .containsExactly(((Vector) r.getAs(2)).toArray());
      assertThat(m.predict(x)).as("predict(%s)", x).isEqualTo(r.getDouble(3));
    }
  }

  @Test
  void classifierRowsEqualTheTransformColumns() {
    assertThat(classifier.numFeatures()).isEqualTo(4);
    assertThat(classifier.numClasses()).isEqualTo(3);
    assertClassifierRowsMatch(classifier, data);
    assertClassifierRowsMatch(
        classifier.copy(new org.apache.spark.ml.param.ParamMap()).setInferBatchSize(4),
        features(24, 4, 9));
  }

  @Test
  void regressorRowsEqualThePredictionColumn() {
    assertThat(regressor.numFeatures()).isEqualTo(4);
    List<Row> rows =
        regressor
            .setDevice("cpu")
            .transform(features(30, 4, 3))
            .select("features", "prediction")
            .collectAsList();
    for (Row r : rows) {
      Vector x = r.getAs(0);
      assertThat(regressor.predict(x)).as("predict(%s)", x).isEqualTo(r.getDouble(1));
      assertThat(regressor.predictVector(x).toArray()).containsExactly(r.getDouble(1));
    }
  }

  private static float[] randomWeights(NetworkSpec spec, long seed) {
    return Replica.flatWeights(spec.build(seed));
  }

  @Test
  void numFeaturesAndPredictFollowAnyNetwork() {
    // A network whose first layer is a layer norm, not a linear layer.
    NetworkSpec spec =
        NetworkSpec.parse(
            "{\"layers\": [{\"type\": \"layer_norm\", \"normalized_shape\": 7},"
                + " {\"type\": \"linear\", \"in_features\": 7, \"out_features\": 9},"
                + " {\"type\": \"gelu\"}, {\"type\": \"dropout\", \"p\": 0.3},"
                + " {\"type\": \"linear\", \"in_features\": 9, \"out_features\": 5}]}");
    NeuralNetClassificationModel m =
        new NeuralNetClassificationModel("nn-ln", spec, randomWeights(spec, 4));
    assertThat(m.numFeatures()).isEqualTo(7);
    assertThat(m.numClasses()).isEqualTo(5);
    assertClassifierRowsMatch(m, features(20, 7, 5));
  }

  @Test
  void vectorOutputRegressorRowsEqualThePredictionVectors() {
    NetworkSpec spec =
        NetworkSpec.parse(
            "{\"layers\": [{\"type\": \"linear\", \"in_features\": 3, \"out_features\": 4},"
                + " {\"type\": \"tanh\"},"
                + " {\"type\": \"linear\", \"in_features\": 4, \"out_features\": 2}]}");
    NeuralNetRegressionModel m =
        new NeuralNetRegressionModel("nn-vec", spec, randomWeights(spec, 6), true);
    assertThat(m.numFeatures()).isEqualTo(3);
    List<Row> rows = m.setDevice("cpu").transform(features(16, 3, 8)).collectAsList();
    for (Row r : rows) {
      Vector x = r.getAs(0);
      assertThat(m.predictVector(x).toArray())
          .as("predictVector(%s)", x)
          .containsExactly(((Vector) r.getAs(1)).toArray());
    }
    assertThatThrownBy(() -> m.predict(Vectors.dense(1, 2, 3)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "this model predicts vectors of 2 outputs (it was trained on vector labels); use"
                + " predictVector");
  }

  @Test
  void badFeaturesFailNamingTheProblem() {
    assertThatThrownBy(() -> classifier.predict(Vectors.dense(1, 2, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("predict: features has size 3, expected 4 (the model's numFeatures)");
    assertThatThrownBy(() -> regressor.predict(Vectors.dense(1, Double.NaN, 3, 4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "predict: features has NaN at index 1; features must be finite (and fit in a float)");
    assertThatThrownBy(() -> classifier.predictRaw(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("predict: features is null");
  }
}
