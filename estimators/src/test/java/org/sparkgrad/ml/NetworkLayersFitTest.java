package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.EngineLoop;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.tensor.Generator;

/**
 * The image and embedding layers of the network param on Spark: a small CNN learns, saves and
 * reloads; every new layer kind trains to the same model on one partition or three; bad shapes and
 * indices are named.
 */
class NetworkLayersFitTest {
  /** [1,6,6] -conv(p1)-> [4,6,6] -max2-> [4,3,3] -avg(k2,s1)-> [4,2,2] -flatten-> 16 -> 2. */
  static final String CNN =
      "{\"layers\": ["
          + "{\"type\": \"conv2d\", \"in_channels\": 1, \"out_channels\": 4, \"kernel_size\": 3,"
          + " \"padding\": 1},"
          + " {\"type\": \"relu\"},"
          + " {\"type\": \"max_pool2d\", \"kernel_size\": 2},"
          + " {\"type\": \"avg_pool2d\", \"kernel_size\": 2, \"stride\": 1},"
          + " {\"type\": \"flatten\"},"
          + " {\"type\": \"dropout\", \"p\": 0.1},"
          + " {\"type\": \"linear\", \"in_features\": 16, \"out_features\": 2}]}";

  static final String EMBEDDING =
      "{\"layers\": ["
          + "{\"type\": \"embedding\", \"num_embeddings\": 5, \"embedding_dim\": 3},"
          + " {\"type\": \"flatten\"},"
          + " {\"type\": \"linear\", \"in_features\": 12, \"out_features\": 2}]}";

  @TempDir Path tmp;

  /**
   * {@code n} 6x6 images: class 0 has a bright row, class 1 a bright column, at a random place,
   * plus noise.
   */
  static Dataset<Row> bars(int n, long seed) {
    Generator g = new Generator(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int c = i % 2;
      int at = (int) (g.nextDouble() * 6);
      double[] x = new double[36];
      for (int p = 0; p < 36; p++) {
        boolean on = c == 0 ? p / 6 == at : p % 6 == at;
        x[p] = (on ? 1.0 : 0.0) + 0.2 * g.nextGaussian();
      }
      rows.add(RowFactory.create(Vectors.dense(x), (double) c));
    }
    return TestSpark.session().createDataFrame(rows, Data.schema());
  }

  /** {@code n} rows of 4 indices in [0, 5); the label is whether index 3 occurs. */
  static Dataset<Row> indices(int n, long seed) {
    Generator g = new Generator(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] x = new double[4];
      double label = 0;
      for (int j = 0; j < 4; j++) {
        x[j] = (int) (g.nextDouble() * 5);
        label = x[j] == 3 ? 1 : label;
      }
      rows.add(RowFactory.create(Vectors.dense(x), label));
    }
    return TestSpark.session().createDataFrame(rows, Data.schema());
  }

  private static NeuralNetClassifier cnn() {
    return new NeuralNetClassifier()
        .setNetwork(CNN)
        .setInputShape(new int[] {1, 6, 6})
        .setOptimizer("adam")
        .setLearningRate(0.02)
        .setBatchSize(32)
        .setSeed(5);
  }

  private static double accuracy(NeuralNetClassificationModel m, Dataset<Row> df) {
    return m.transform(df).filter("prediction = label").count() / (double) df.count();
  }

  @Test
  void aSmallCnnLearnsSavesAndReloads() throws Exception {
    Dataset<Row> train = bars(240, 1).repartition(2);
    NeuralNetClassificationModel m = cnn().setMaxEpochs(12).setNumReplicas(2).fit(train);
    assertThat(accuracy(m, train)).isGreaterThan(0.9);
    assertThat(accuracy(m, bars(100, 2))).isGreaterThan(0.85);
    assertThat(m.networkSpec().inputShape()).containsExactly(1, 6, 6);
    assertThat(m.stateDict().keySet()).containsExactly("0.weight", "0.bias", "6.weight", "6.bias");

    String path = tmp.resolve("cnn").toString();
    m.write().save(path);
    NeuralNetClassificationModel loaded = NeuralNetClassificationModel.load(path);
    assertThat(loaded.networkSpec()).isEqualTo(m.networkSpec());
    assertThat(loaded.getInputShape()).containsExactly(1, 6, 6);
    Dataset<Row> test = bars(20, 3);
    assertThat(loaded.transform(test).select("probability").collectAsList())
        .isEqualTo(m.transform(test).select("probability").collectAsList());
  }

  @Test
  void imageLayersTrainTheSameModelOnOneOrThreePartitions() {
    Dataset<Row> df = bars(90, 4);
    float[] one = cnn().setMaxEpochs(2).fit(df.repartition(1)).weights();
    float[] three = cnn().setMaxEpochs(2).setNumReplicas(3).fit(df.repartition(3)).weights();
    assertThat(EngineLoop.relativeError(one, three)).isLessThan(1e-5);
  }

  @Test
  void embeddingLearnsAndTrainsTheSameModelOnOneOrThreePartitions() {
    Dataset<Row> df = indices(150, 6);
    NeuralNetClassifier c =
        new NeuralNetClassifier()
            .setNetwork(EMBEDDING)
            .setInputShape(new int[] {4})
            .setLearningRate(0.05)
            .setBatchSize(16)
            .setSeed(3);
    NeuralNetClassificationModel one = c.setMaxEpochs(15).fit(df.repartition(1));
    float[] three =
        c.copy(new org.apache.spark.ml.param.ParamMap())
            .setNumReplicas(3)
            .fit(df.repartition(3))
            .weights();
    assertThat(EngineLoop.relativeError(one.weights(), three)).isLessThan(1e-5);
    assertThat(accuracy(one, df)).isGreaterThan(0.95);
  }

  @Test
  void badShapesAndIndicesAreNamed() {
    assertThatThrownBy(() -> cnn().setInputShape(new int[] {1, 5, 5}).fit(bars(10, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "inputShape [1, 5, 5] holds 25 values per row, but column 'features' has vectors of"
                + " size 36 (the size of the first row)");
    assertThatThrownBy(() -> cnn().setInputShape(new int[0]).fit(bars(10, 1)))
        .hasMessageStartingWith(
            "network layer 0 (conv2d) needs the shape of a row: set the inputShape param");
    assertThatThrownBy(
            () -> new NeuralNetClassifier().setInputShape(new int[] {2, 2}).fit(bars(10, 1)))
        .hasMessageStartingWith("inputShape is [2, 2] but network is not set");
    assertThatThrownBy(() -> cnn().setInputShape(new int[] {1, 0, 6}))
        .hasMessage("inputShape must be an array of sizes > 0, got [1, 0, 6]");

    List<Row> rows = new ArrayList<>(indices(8, 1).collectAsList());
    rows.set(5, RowFactory.create(Vectors.dense(1, 0, 7, 2), 0.0));
    Dataset<Row> bad = TestSpark.session().createDataFrame(rows, Data.schema()).repartition(1);
    NeuralNetClassifier emb =
        new NeuralNetClassifier()
            .setNetwork(EMBEDDING)
            .setInputShape(new int[] {4})
            .setMaxEpochs(1);
    assertThatThrownBy(() -> emb.fit(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "column 'features' has 7.0 at index 2 in row 5; the network's first layer is an"
                + " embedding of num_embeddings=5, so each feature must be an integer index in"
                + " [0, 5)");
    NeuralNetClassificationModel m = emb.fit(indices(8, 1));
    Dataset<Row> half =
        TestSpark.session()
            .createDataFrame(
                List.of(RowFactory.create(Vectors.dense(1, 0.5, 2, 2), 0.0)), Data.schema());
    assertThatThrownBy(() -> m.transform(half).collectAsList())
        .hasStackTraceContaining("has 0.5 at index 1 in row 0 of partition 0; the network's first");
  }
}
