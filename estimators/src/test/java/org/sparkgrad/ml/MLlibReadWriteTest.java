package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.MllibReadWriteKit;
import scala.collection.immutable.Map;
import scala.collection.immutable.Map$;
import scala.runtime.BoxedUnit;

/**
 * MLlib's {@code DefaultReadWriteTest.testEstimatorAndModelReadWrite} (Spark's own code, from its
 * test jar) on both estimator and model pairs: params are set, the estimator fits, then estimator
 * and model are each saved, a second save must fail, an overwrite must work, both {@code read()}
 * and the static {@code load} must give the uid and every param back; the model also goes through
 * {@code saveToLocal}/{@code loadFromLocal} (Spark Connect's path). The model data check here adds
 * equal weights, network, sizes and equal predictions of {@code transform} and {@code predict}.
 */
class MLlibReadWriteTest {
  @TempDir Path tmp;

  /** A Scala map of param names and values, as the kit takes them. */
  @SuppressWarnings("unchecked") // Scala's Map.empty is seen from Java without type parameters
  private static Map<String, Object> params(Object... keysAndValues) {
    Map<String, Object> m = Map$.MODULE$.empty();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m = m.updated((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static void assertSamePredictions(
      NeuralNetModel<?> a, NeuralNetModel<?> b, Dataset<Row> data, String... cols) {
    List<Row> ra = a.transform(data).select("features", cols).collectAsList();
    List<Row> rb = b.transform(data).select("features", cols).collectAsList();
    assertThat(rb).hasSize(ra.size()).isNotEmpty();
    for (int i = 0; i < ra.size(); i++) {
      assertThat(rb.get(i)).isEqualTo(ra.get(i));
    }
  }

  @Test
  void classifierAndModelRoundTripThroughMllibsKit() {
    Dataset<Row> data = Data.blobsFrame(40, 17);
    NeuralNetClassifier est = new NeuralNetClassifier().setBatchSize(20).setSeed(5);
    new MllibReadWriteKit(tmp.toFile())
        .<NeuralNetClassifier, NeuralNetClassificationModel>testEstimatorAndModelReadWrite(
            est,
            data,
            params(
                "hiddenLayers",
                new int[] {6, 3},
                "maxEpochs",
                2,
                "learningRate",
                0.02,
                "probabilityCol",
                "p",
                "inferBatchSize",
                7,
                "activation",
                "tanh"),
            params("probabilityCol", "p", "inferBatchSize", 7),
            (model, loaded) -> {
              assertThat(loaded.weights()).containsExactly(model.weights());
              assertThat(loaded.networkSpec()).isEqualTo(model.networkSpec());
              assertThat(loaded.numFeatures()).isEqualTo(4);
              assertThat(loaded.numClasses()).isEqualTo(model.numClasses()).isEqualTo(3);
              assertThat(loaded.getProbabilityCol()).isEqualTo("p");
              assertSamePredictions(model, loaded, data, "rawPrediction", "p", "prediction");
              Vector x = data.first().getAs("features");
              assertThat(loaded.predictProbability(x)).isEqualTo(model.predictProbability(x));
              return BoxedUnit.UNIT;
            },
            false);
  }

  @Test
  void regressorAndModelRoundTripThroughMllibsKit() {
    Dataset<Row> data = Data.blobsFrame(40, 23);
    NeuralNetRegressor est = new NeuralNetRegressor().setBatchSize(10).setSeed(8);
    new MllibReadWriteKit(tmp.toFile())
        .<NeuralNetRegressor, NeuralNetRegressionModel>testEstimatorAndModelReadWrite(
            est,
            data,
            params(
                "hiddenLayers", new int[] {5},
                "maxEpochs", 2,
                "loss", "huber",
                "optimizer", "sgd",
                "predictionCol", "y"),
            params("predictionCol", "y"),
            (model, loaded) -> {
              assertThat(loaded.weights()).containsExactly(model.weights());
              assertThat(loaded.networkSpec()).isEqualTo(model.networkSpec());
              assertThat(loaded.numFeatures()).isEqualTo(4);
              assertThat(loaded.isVectorOutput()).isFalse();
              assertSamePredictions(model, loaded, data, "y");
              Vector x = data.first().getAs("features");
              assertThat(loaded.predict(x)).isEqualTo(model.predict(x));
              return BoxedUnit.UNIT;
            },
            false);
  }
}
