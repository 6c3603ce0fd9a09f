package org.sparkgrad.ml.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.NeuralNetClassificationModel;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.tensor.Generator;

/**
 * {@code batch_norm1d} and {@code batch_norm2d} export as ONNX's {@code BatchNormalization} with
 * the model's running statistics: ONNX Runtime gives what {@code transform} gives, within 1e-5.
 */
class OnnxBatchNormExportTest {
  /** [1,3,3] -conv(p1)-> [2,3,3] -bn2d-> -relu-> 18 -> 4 -bn1d(no affine)-> -> 3. */
  private static final String CNN =
      """
      {"input_shape": [1, 3, 3], "layers": [
        {"type": "conv2d", "in_channels": 1, "out_channels": 2, "kernel_size": 3, "padding": 1},
        {"type": "batch_norm2d", "num_features": 2},
        {"type": "relu"},
        {"type": "flatten"},
        {"type": "linear", "in_features": 18, "out_features": 4},
        {"type": "batch_norm1d", "num_features": 4, "eps": 0.001, "affine": false},
        {"type": "linear", "in_features": 4, "out_features": 3}
      ]}
      """;

  @TempDir Path dir;

  @Test
  void batchNormExportsWithTheRunningStatistics() throws Exception {
    NetworkSpec spec = NetworkSpec.parse(CNN);
    Generator g = new Generator(4);
    float[] weights = Replica.flatWeights(spec.build(4));
    for (int i = 0; i < weights.length; i++) {
      weights[i] += 0.5f * (float) g.nextGaussian(); // batch norm's weight and bias too
    }
    // bn2d: mean [0, 2), var [2, 4), count 4; bn1d: mean [5, 9), var [9, 13), count 13
    float[] buffers = new float[14];
    for (int i = 0; i < buffers.length; i++) {
      boolean var = (i >= 2 && i < 4) || (i >= 9 && i < 13);
      buffers[i] = var ? 0.2f + (float) Math.abs(g.nextGaussian()) : (float) g.nextGaussian();
    }
    buffers[4] = 3;
    buffers[13] = 3;
    NeuralNetClassificationModel model =
        new NeuralNetClassificationModel("bn-onnx", spec, weights, buffers);
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      double[] x = new double[9];
      for (int j = 0; j < 9; j++) {
        x[j] = g.nextGaussian();
      }
      data.add(RowFactory.create(Vectors.dense(x), 0.0));
    }
    List<Row> rows =
        model
            .setDevice("cpu")
            .transform(TestSpark.session().createDataFrame(data, Data.schema()))
            .collectAsList();
    String file = dir.resolve("bn.onnx").toString();
    model.exportOnnx(file);
    float[][] x = new float[rows.size()][9];
    for (int i = 0; i < x.length; i++) {
      double[] v = ((Vector) rows.get(i).getAs("features")).toArray();
      for (int j = 0; j < 9; j++) {
        x[i][j] = (float) v[j];
      }
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[][] raw;
    try (OrtSession s = env.createSession(file, new OrtSession.SessionOptions());
        OnnxTensor in = OnnxTensor.createTensor(env, x);
        OrtSession.Result r = s.run(java.util.Map.of("features", in))) {
      raw = (float[][]) r.get("rawPrediction").orElseThrow().getValue();
    }
    NeuralNetClassificationModel newStats =
        new NeuralNetClassificationModel("bn-onnx", spec, weights);
    for (int i = 0; i < rows.size(); i++) {
      Vector expected = rows.get(i).getAs("rawPrediction");
      for (int j = 0; j < 3; j++) {
        assertThat((double) raw[i][j])
            .as("rawPrediction[%d] of row %d", j, i)
            .isCloseTo(expected.apply(j), within(1e-5));
      }
    }
    // the running statistics matter: a new network's give other logits
    Vector x0 = rows.get(0).getAs("features");
    assertThat(newStats.predictRaw(x0).apply(0))
        .isNotCloseTo(((Vector) rows.get(0).getAs("rawPrediction")).apply(0), within(1e-3));
  }

  @Test
  void batchNormWithoutRunningStatisticsDoesNotExport() {
    NetworkSpec spec =
        NetworkSpec.parse(
            "{\"layers\": [{\"type\": \"linear\", \"in_features\": 3, \"out_features\": 2},"
                + " {\"type\": \"batch_norm1d\", \"num_features\": 2, \"track_running_stats\":"
                + " false}]}");
    NeuralNetClassificationModel model =
        new NeuralNetClassificationModel("bn", spec, Replica.flatWeights(spec.build(1)));
    assertThatThrownBy(() -> model.exportOnnx(dir.resolve("no.onnx").toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("network layer 1 (batch_norm1d) has track_running_stats false");
  }
}
