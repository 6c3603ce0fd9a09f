package org.sparkgrad.ml.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.NeuralNetClassificationModel;
import org.sparkgrad.ml.NeuralNetClassifier;
import org.sparkgrad.ml.NeuralNetRegressionModel;
import org.sparkgrad.ml.NeuralNetRegressor;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.tensor.Generator;

/**
 * Exported models run in ONNX Runtime (its Java API, with the native library its jar bundles) and
 * give what {@code transform} gives, within 1e-5, for every output column and every layer type.
 */
class OnnxExportTest {
  /** Every layer type that exports, trained so that no weight keeps its initial value. */
  static final String EVERY_LAYER =
      """
      {"layers": [
        {"type": "linear", "in_features": 4, "out_features": 8},
        {"type": "relu"},
        {"type": "linear", "in_features": 8, "out_features": 8, "bias": false},
        {"type": "tanh"},
        {"type": "dropout", "p": 0.3},
        {"type": "linear", "in_features": 8, "out_features": 8},
        {"type": "sigmoid"},
        {"type": "layer_norm", "normalized_shape": 8},
        {"type": "linear", "in_features": 8, "out_features": 8},
        {"type": "gelu"},
        {"type": "layer_norm", "normalized_shape": 8, "eps": 0.001, "elementwise_affine": false},
        {"type": "linear", "in_features": 8, "out_features": 6},
        {"type": "leaky_relu", "negative_slope": 0.1},
        {"type": "linear", "in_features": 6, "out_features": 3}
      ]}
      """;

  static final double TOL = 1e-5;

  static OrtEnvironment env;
  static Dataset<Row> blobs;
  static NeuralNetClassificationModel classifier;

  @TempDir Path dir;

  @BeforeAll
  static void fit() {
    env = OrtEnvironment.getEnvironment();
    blobs = Data.blobsFrame(120, 7);
    classifier =
        new NeuralNetClassifier()
            .setNetwork(EVERY_LAYER)
            .setBatchSize(30)
            .setLearningRate(0.02)
            .setMaxEpochs(15)
            .setSeed(3)
            .fit(blobs);
  }

  @Test
  void classifierOutputsMatchTransform() throws Exception {
    String file = dir.resolve("classifier.onnx").toString();
    classifier.exportOnnx(file);
    List<Row> rows = classifier.transform(blobs).collectAsList();
    try (OrtSession s = env.createSession(file, new OrtSession.SessionOptions())) {
      assertThat(s.getInputNames()).containsExactly("features");
      long[] inShape = ((TensorInfo) s.getInputInfo().get("features").getInfo()).getShape();
      assertThat(inShape).containsExactly(-1, 4);
      assertThat(s.getOutputNames()).containsExactly("rawPrediction", "probability", "prediction");
      Map<String, Object> out = run(s, features(rows, "features"));
      float[][] raw = (float[][]) out.get("rawPrediction");
      float[][] prob = (float[][]) out.get("probability");
      long[] pred = (long[]) out.get("prediction");
      int predictedClasses = 0;
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        assertClose(raw[i], r.getAs("rawPrediction"), "rawPrediction", i);
        assertClose(prob[i], r.getAs("probability"), "probability", i);
        assertThat((double) pred[i]).as("prediction of row %d", i).isEqualTo(r.getAs("prediction"));
        predictedClasses |= 1 << pred[i];
      }
      // a trained model, not a constant one: every class is predicted somewhere
      assertThat(predictedClasses).isEqualTo(0b111);
    }
    ModelProto model = ModelProto.parseFrom(Files.readAllBytes(Path.of(file)));
    assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(OnnxExporter.OPSET);
    Set<String> initializers =
        model.getGraph().getInitializerList().stream()
            .map(OnnxMl.TensorProto::getName)
            .collect(Collectors.toSet());
    assertThat(initializers).containsAll(classifier.stateDict().keySet());
    assertThat(classifier.stateDict().keySet())
        .contains("0.weight", "0.bias", "2.weight", "7.weight", "7.bias", "13.bias")
        .doesNotContain("2.bias", "10.weight");
  }

  @Test
  void outputsAreNamedLikeTheColumnsAndAnEmptyColumnIsLeftOut() throws Exception {
    NeuralNetClassificationModel renamed =
        classifier.copy(new org.apache.spark.ml.param.ParamMap());
    renamed.setFeaturesCol("x").setRawPredictionCol("").setProbabilityCol("p");
    String file = dir.resolve("renamed.onnx").toString();
    renamed.exportOnnx(file);
    List<Row> rows = renamed.transform(blobs.withColumnRenamed("features", "x")).collectAsList();
    try (OrtSession s = env.createSession(file, new OrtSession.SessionOptions())) {
      assertThat(s.getInputNames()).containsExactly("x");
      assertThat(s.getOutputNames()).containsExactly("p", "prediction");
      float[][] p = (float[][]) run(s, features(rows, "x")).get("p");
      for (int i = 0; i < rows.size(); i++) {
        assertClose(p[i], rows.get(i).getAs("p"), "p", i);
      }
    }
  }

  @Test
  void regressorPredictionMatchesTransform() throws Exception {
    NeuralNetRegressionModel model =
        new NeuralNetRegressor()
            .setHiddenLayers(new int[] {16, 8})
            .setActivation("gelu")
            .setDropout(0.1)
            .setMaxEpochs(3)
            .setSeed(5)
            .fit(blobs);
    String file = dir.resolve("regressor.onnx").toString();
    model.exportOnnx(file);
    List<Row> rows = model.transform(blobs).collectAsList();
    try (OrtSession s = env.createSession(file, new OrtSession.SessionOptions())) {
      assertThat(s.getOutputNames()).containsExactly("prediction");
      NodeInfo info = s.getOutputInfo().get("prediction");
      assertThat(((TensorInfo) info.getInfo()).getShape()).containsExactly(-1);
      float[] pred = (float[]) run(s, features(rows, "features")).get("prediction");
      for (int i = 0; i < rows.size(); i++) {
        double expected = rows.get(i).getAs("prediction");
        assertThat((double) pred[i]).as("prediction of row %d", i).isCloseTo(expected, within(TOL));
      }
    }
  }

  @Test
  void vectorRegressorPredictionMatchesTransform() throws Exception {
    Generator g = new Generator(11);
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      double a = g.nextDouble();
      double b = g.nextDouble();
      data.add(RowFactory.create(Vectors.dense(a, b, a * b), Vectors.dense(a + b, a - b)));
    }
    StructType schema =
        new StructType()
            .add("features", SQLDataTypes.VectorType())
            .add("label", SQLDataTypes.VectorType());
    Dataset<Row> df = TestSpark.session().createDataFrame(data, schema);
    NeuralNetRegressionModel model =
        new NeuralNetRegressor()
            .setHiddenLayers(new int[] {8})
            .setActivation("sigmoid")
            .setMaxEpochs(2)
            .setSeed(2)
            .fit(df);
    assertThat(model.isVectorOutput()).isTrue();
    String file = dir.resolve("vector.onnx").toString();
    model.exportOnnx(file);
    List<Row> rows = model.transform(df).collectAsList();
    try (OrtSession s = env.createSession(file, new OrtSession.SessionOptions())) {
      float[][] pred = (float[][]) run(s, features(rows, "features")).get("prediction");
      for (int i = 0; i < rows.size(); i++) {
        assertClose(pred[i], rows.get(i).getAs("prediction"), "prediction", i);
      }
    }
  }

  /** A CNN over 6x6 rows: every image layer type, the input reshaped by inputShape. */
  static final String CNN =
      """
      {"layers": [
        {"type": "conv2d", "in_channels": 1, "out_channels": 3, "kernel_size": 3, "padding": 1},
        {"type": "relu"},
        {"type": "max_pool2d", "kernel_size": 2},
        {"type": "conv2d", "in_channels": 3, "out_channels": 2, "kernel_size": 2, "bias": false},
        {"type": "avg_pool2d", "kernel_size": 2, "stride": 1, "padding": 1},
        {"type": "flatten"},
        {"type": "linear", "in_features": 18, "out_features": 3}
      ]}
      """;

  @Test
  void imageLayersExportWithTheInputReshaped() throws Exception {
    // Class c: a bright horizontal band at rows 2c and 2c + 1 of a noisy 6x6 image.
    Generator g = new Generator(11);
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      int c = i % 3;
      double[] x = new double[36];
      for (int j = 0; j < 36; j++) {
        x[j] = 0.3 * g.nextGaussian() + (j / 6 / 2 == c ? 1.0 : 0.0);
      }
      data.add(RowFactory.create(Vectors.dense(x), (double) c));
    }
    Dataset<Row> images = TestSpark.session().createDataFrame(data, Data.schema());
    NeuralNetClassificationModel cnn =
        new NeuralNetClassifier()
            .setInputShape(new int[] {1, 6, 6})
            .setNetwork(CNN)
            .setBatchSize(25)
            .setLearningRate(0.02)
            .setMaxEpochs(8)
            .setSeed(5)
            .fit(images);
    String file = dir.resolve("cnn.onnx").toString();
    cnn.exportOnnx(file);
    List<Row> rows = cnn.transform(images).collectAsList();
    try (OrtSession s = env.createSession(file, new OrtSession.SessionOptions())) {
      Map<String, Object> out = run(s, features(rows, "features"));
      float[][] prob = (float[][]) out.get("probability");
      long right = 0;
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        assertClose(((float[][]) out.get("rawPrediction"))[i], r.getAs("rawPrediction"), "raw", i);
        assertClose(prob[i], r.getAs("probability"), "probability", i);
        right += ((long[]) out.get("prediction"))[i] == (long) r.getDouble(1) ? 1 : 0;
      }
      assertThat(right).as("rows the exported CNN classifies right").isGreaterThan(120);
    }
  }

  @Test
  void anEmbeddingExportsAsAGatherOfItsIndices() throws Exception {
    // Three indices in [0, 6) per row; the class is the first index plus the second, mod 3, so the
    // model must tell the indices apart.
    Generator g = new Generator(17);
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < 180; i++) {
      int a = (int) (g.nextDouble() * 6);
      int b = (int) (g.nextDouble() * 6);
      int c = (int) (g.nextDouble() * 6);
      data.add(RowFactory.create(Vectors.dense(a, b, c), (double) ((a + b) % 3)));
    }
    Dataset<Row> table = TestSpark.session().createDataFrame(data, Data.schema());
    NeuralNetClassificationModel model =
        new NeuralNetClassifier()
            .setInputShape(new int[] {3})
            .setNetwork(
                """
                {"layers": [
                  {"type": "embedding", "num_embeddings": 6, "embedding_dim": 4},
                  {"type": "flatten"},
                  {"type": "linear", "in_features": 12, "out_features": 16},
                  {"type": "relu"},
                  {"type": "linear", "in_features": 16, "out_features": 3}
                ]}
                """)
            .setBatchSize(20)
            .setLearningRate(0.05)
            .setMaxEpochs(20)
            .setSeed(3)
            .fit(table);
    String file = dir.resolve("embedding.onnx").toString();
    model.exportOnnx(file);
    List<Row> rows = model.transform(table).collectAsList();
    try (OrtSession s = env.createSession(file, new OrtSession.SessionOptions())) {
      Map<String, Object> out = run(s, features(rows, "features"));
      long right = 0;
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        assertClose(((float[][]) out.get("rawPrediction"))[i], r.getAs("rawPrediction"), "raw", i);
        assertClose(((float[][]) out.get("probability"))[i], r.getAs("probability"), "prob", i);
        right += ((long[]) out.get("prediction"))[i] == (long) r.getDouble(1) ? 1 : 0;
      }
      assertThat(right).as("rows the exported embedding model classifies right").isGreaterThan(150);
    }
  }

  @Test
  void aBinaryBceClassifierExportsItsTwoEntryColumns() throws Exception {
    // Two Gaussian blobs in 4-D, classes 0 and 1, their centres 2 apart on every axis.
    Generator g = new Generator(21);
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int c = i % 2;
      double[] x = new double[4];
      for (int j = 0; j < 4; j++) {
        x[j] = g.nextGaussian() + (c == 1 ? 1 : -1);
      }
      data.add(RowFactory.create(Vectors.dense(x), (double) c));
    }
    Dataset<Row> table = TestSpark.session().createDataFrame(data, Data.schema());
    NeuralNetClassificationModel model = bce().fit(table);
    String file = dir.resolve("binary-bce.onnx").toString();
    model.exportOnnx(file);
    List<Row> rows = model.transform(table).collectAsList();
    try (OrtSession s = env.createSession(file, new OrtSession.SessionOptions())) {
      Map<String, Object> out = run(s, features(rows, "features"));
      long right = 0;
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        assertClose(((float[][]) out.get("rawPrediction"))[i], r.getAs("rawPrediction"), "raw", i);
        assertClose(((float[][]) out.get("probability"))[i], r.getAs("probability"), "prob", i);
        long predicted = ((long[]) out.get("prediction"))[i];
        assertThat((double) predicted)
            .as("prediction of row %d", i)
            .isEqualTo(r.getAs("prediction"));
        right += predicted == (long) r.getDouble(1) ? 1 : 0;
      }
      assertThat(right).as("rows the exported binary classifier gets right").isGreaterThan(170);
    }
  }

  @Test
  void aMultiLabelClassifierExportsPerLabelProbabilitiesAndPredictions() throws Exception {
    // Labels [x0 > 0, x1 > 0, x0 + x2 > 0] of 4 Gaussian features, as array<double>.
    Generator g = new Generator(23);
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      double[] x = new double[4];
      for (int j = 0; j < 4; j++) {
        x[j] = g.nextGaussian();
      }
      data.add(
          RowFactory.create(
              Vectors.dense(x),
              List.of(x[0] > 0 ? 1.0 : 0.0, x[1] > 0 ? 1.0 : 0.0, x[0] + x[2] > 0 ? 1.0 : 0.0)));
    }
    StructType schema =
        new StructType()
            .add("features", SQLDataTypes.VectorType(), false)
            .add(
                "label",
                org.apache.spark.sql.types.DataTypes.createArrayType(
                    org.apache.spark.sql.types.DataTypes.DoubleType),
                false);
    Dataset<Row> table = TestSpark.session().createDataFrame(data, schema);
    NeuralNetClassificationModel model = bce().setMaxEpochs(25).fit(table);
    assertThat(model.isMultiLabel()).isTrue();
    String file = dir.resolve("multi-label.onnx").toString();
    model.exportOnnx(file);
    List<Row> rows = model.transform(table).collectAsList();
    try (OrtSession s = env.createSession(file, new OrtSession.SessionOptions())) {
      Map<String, Object> out = run(s, features(rows, "features"));
      long right = 0;
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        assertClose(((float[][]) out.get("rawPrediction"))[i], r.getAs("rawPrediction"), "raw", i);
        assertClose(((float[][]) out.get("probability"))[i], r.getAs("probability"), "prob", i);
        float[] predicted = ((float[][]) out.get("prediction"))[i];
        assertClose(predicted, r.getAs("prediction"), "prediction", i);
        List<Double> label = r.getList(1);
        for (int j = 0; j < 3; j++) {
          right += predicted[j] == label.get(j) ? 1 : 0;
        }
      }
      assertThat(right).as("labels the exported multi-label model gets right").isGreaterThan(750);
    }
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
  void aLayerTypeWithoutExporterFailsNamingTheLayer() {
    NetworkSpec spec = NetworkSpec.parse(EVERY_LAYER);
    Map<String, LayerExporter> some = new HashMap<>(LayerExporters.all());
    some.remove("layer_norm");
    assertThatThrownBy(
            () ->
                new OnnxExporter(some)
                    .export(
                        spec,
                        spec.build(1).stateDict(),
                        "features",
                        new OnnxOutputs.Classifier("rawPrediction", "probability", "prediction")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("network layer 7 (layer_norm)")
        .hasMessageContaining("no ONNX exporter for layer type 'layer_norm'");
  }

  @Test
  void anExporterThatSkipsAParameterIsCaught() {
    NetworkSpec spec = NetworkSpec.parse(EVERY_LAYER);
    Map<String, LayerExporter> broken = new HashMap<>(LayerExporters.all());
    broken.put("layer_norm", (layer, ctx) -> ctx.input());
    assertThatThrownBy(
            () ->
                new OnnxExporter(broken)
                    .export(
                        spec,
                        spec.build(1).stateDict(),
                        "features",
                        new OnnxOutputs.Regressor("prediction", true)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("[7.bias, 7.weight]");
  }

  @Test
  void aSecondExportIsRefusedUnlessAskedAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("sub").resolve("twice.onnx");
    classifier.exportOnnx(file.toString());
    byte[] first = Files.readAllBytes(file);
    NeuralNetClassificationModel other =
        classifier.copy(new org.apache.spark.ml.param.ParamMap()).setPredictionCol("");
    assertThatThrownBy(() -> other.exportOnnx(file.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("already exists");
    assertThat(Files.readAllBytes(file)).isEqualTo(first);
    other.exportOnnx(file.toString(), true);
    assertThat(Files.readAllBytes(file)).isNotEqualTo(first);
    try (var listing = Files.list(file.getParent())) {
      assertThat(listing.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")))
          .containsExactly("twice.onnx");
    }
  }

  @Test
  void aSavedAndLoadedModelExportsTheSameFile() throws IOException {
    Path fitted = dir.resolve("fitted.onnx");
    Path loaded = dir.resolve("loaded.onnx");
    classifier.exportOnnx(fitted.toString());
    String saved = dir.resolve("saved-model").toString();
    classifier.write().save(saved);
    NeuralNetClassificationModel.load(saved).exportOnnx(loaded.toString());
    assertThat(Files.readAllBytes(loaded)).isEqualTo(Files.readAllBytes(fitted));
  }

  private static float[][] features(List<Row> rows, String col) {
    float[][] x = new float[rows.size()][];
    for (int i = 0; i < x.length; i++) {
      double[] v = ((Vector) rows.get(i).getAs(col)).toArray();
      x[i] = new float[v.length];
      for (int j = 0; j < v.length; j++) {
        x[i][j] = (float) v[j];
      }
    }
    return x;
  }

  private static Map<String, Object> run(OrtSession s, float[][] x) throws OrtException {
    Map<String, Object> values = new HashMap<>();
    try (OnnxTensor in = OnnxTensor.createTensor(env, x);
        OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), in))) {
      for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
        values.put(e.getKey(), e.getValue().getValue());
      }
    }
    return values;
  }

  private static void assertClose(float[] actual, Vector expected, String col, int row) {
    assertThat(actual).as("%s of row %d", col, row).hasSize(expected.size());
    for (int j = 0; j < actual.length; j++) {
      assertThat((double) actual[j])
          .as("%s[%d] of row %d", col, j, row)
          .isCloseTo(expected.apply(j), within(TOL));
    }
  }
}
