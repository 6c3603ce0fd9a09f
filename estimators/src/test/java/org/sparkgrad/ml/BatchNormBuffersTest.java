package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.io.StateDict;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/**
 * A model's buffers (batch norm's running statistics): evaluation-mode scoring normalises with
 * them, and the saved model keeps them under PyTorch's state-dict names.
 */
class BatchNormBuffersTest {
  /** {@code y = linear(batch_norm1d(x))}, two features, one output. */
  private static final NetworkSpec SPEC =
      NetworkSpec.parse(
          "{\"layers\": [{\"type\": \"batch_norm1d\", \"num_features\": 2},"
              + " {\"type\": \"linear\", \"in_features\": 2, \"out_features\": 1}]}");

  /**
   * Batch norm's weight (2, 3) and bias (0.5, -1); the linear layer's weight (1, 10), bias 0.25.
   */
  private static final float[] WEIGHTS = {2, 3, 0.5f, -1, 1, 10, 0.25f};

  /** running_mean (0.5, -1), running_var (4, 0.25), num_batches_tracked 7. */
  private static final float[] BUFFERS = {0.5f, -1, 4, 0.25f, 7};

  /**
   * At x = (1, 2), normalised with the running statistics and eps = 1e-5: (1 - 0.5) / sqrt(4 + eps)
   * * 2 + 0.5 (about 1) and (2 + 1) / sqrt(0.25 + eps) * 3 - 1 (about 17), so y is about 1 + 170 +
   * 0.25; with a new network's (mean 0, variance 1), y is about 2.5 + 50 + 0.25.
   */
  private static final double WITH_STATS =
      (0.5 / Math.sqrt(4 + 1e-5) * 2 + 0.5) + 10 * (3 / Math.sqrt(0.25 + 1e-5) * 3 - 1) + 0.25;

  private static final double WITH_NEW_STATS =
      (1 / Math.sqrt(1 + 1e-5) * 2 + 0.5) + 10 * (2 / Math.sqrt(1 + 1e-5) * 3 - 1) + 0.25;

  @Test
  void predictionsNormaliseWithTheModelsRunningStatistics() {
    NeuralNetRegressionModel trained =
        new NeuralNetRegressionModel("bn", SPEC, WEIGHTS, BUFFERS, false);
    NeuralNetRegressionModel fresh = new NeuralNetRegressionModel("bn", SPEC, WEIGHTS, false);
    assertThat(trained.predict(Vectors.dense(1, 2))).isCloseTo(WITH_STATS, within(1e-3));
    assertThat(fresh.predict(Vectors.dense(1, 2))).isCloseTo(WITH_NEW_STATS, within(1e-3));
    assertThat(fresh.buffers()).containsExactly(0, 0, 1, 1, 0);
    NeuralNetRegressionModel copy = trained.copy(new org.apache.spark.ml.param.ParamMap());
    assertThat(copy.buffers()).containsExactly(BUFFERS);
    Map<String, Tensor> sd = trained.stateDict();
    assertThat(sd.get("0.running_mean").toFloatArray()).containsExactly(0.5f, -1);
    assertThat(sd.get("0.num_batches_tracked").dtype()).isEqualTo(DType.INT64);
    assertThat(sd.get("0.num_batches_tracked").item()).isEqualTo(7.0);
    Dataset<Row> rows =
        TestSpark.session()
            .createDataFrame(
                List.of(RowFactory.create(Vectors.dense(1, 2), 0.0)),
                org.sparkgrad.ml.support.Data.schema());
    assertThat(trained.setDevice("cpu").transform(rows).first().<Double>getAs("prediction"))
        .isCloseTo(WITH_STATS, within(1e-3));
  }

  @Test
  void theSavedModelKeepsTheBuffersUnderPyTorchsNames(@TempDir Path tmp) throws Exception {
    NeuralNetRegressionModel trained =
        new NeuralNetRegressionModel("bn", SPEC, WEIGHTS, BUFFERS, false);
    String path = tmp.resolve("model").toString();
    TestSpark.session();
    trained.write().save(path);
    Map<String, Tensor> saved =
        StateDict.read(
            Files.readAllBytes(tmp.resolve("model/data/weights.safetensors")), "weights");
    assertThat(saved.keySet())
        .containsExactly(
            "0.weight",
            "0.bias",
            "0.running_mean",
            "0.running_var",
            "0.num_batches_tracked",
            "1.weight",
            "1.bias");
    assertThat(saved.get("0.running_var").toFloatArray()).containsExactly(4, 0.25f);
    assertThat(saved.get("0.num_batches_tracked").toLongArray()).containsExactly(7);
    NeuralNetRegressionModel loaded = NeuralNetRegressionModel.load(path);
    assertThat(loaded.buffers()).containsExactly(BUFFERS);
    assertThat(loaded.predict(Vectors.dense(1, 2))).isCloseTo(WITH_STATS, within(1e-3));
  }

  @Test
  void buffersThatDoNotFitTheNetworkAreRefused() {
    assertThatThrownBy(() -> new NeuralNetRegressionModel("bn", SPEC, WEIGHTS, new float[4], false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the network has 5 buffer values (batch norm's running statistics), got 4");
  }
}
