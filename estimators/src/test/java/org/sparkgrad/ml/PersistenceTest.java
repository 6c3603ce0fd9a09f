package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.SavedModels;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.util.StrictJson;

/**
 * MLlib's persistence contract (as its {@code DefaultReadWriteTest}): save, refuse a second save,
 * overwrite, load with equal params and predictions; old formats keep loading; broken folders fail
 * with a message that says what is wrong.
 */
class PersistenceTest {
  private static NeuralNetClassificationModel classifier;
  private static Dataset<Row> data;

  @TempDir Path tmp;

  @BeforeAll
  static void fit() {
    data = Data.blobsFrame(60, 31);
    classifier =
        new NeuralNetClassifier()
            .setHiddenLayers(new int[] {5})
            .setActivation("sigmoid")
            .setBatchSize(20)
            .setMaxEpochs(2)
            .setLearningRate(0.05)
            .setWeightDecay(1e-4)
            .setProbabilityCol("p")
            .fit(data);
  }

  static void assertSameParams(Params a, Params b) {
    assertThat(b.uid()).isEqualTo(a.uid());
    assertThat(b.params().length).isEqualTo(a.params().length);
    for (Param<?> p : a.params()) {
      assertThat(b.isDefined(b.getParam(p.name()))).as(p.name()).isEqualTo(a.isDefined(p));
      if (a.isDefined(p)) {
        Object va = a.getOrDefault(p);
        Object vb = b.getOrDefault(b.getParam(p.name()));
        if (va instanceof int[] ia) {
          assertThat((int[]) vb).as(p.name()).containsExactly(ia);
        } else {
          assertThat(vb).as(p.name()).isEqualTo(va);
        }
      }
    }
  }

  @Test
  void classificationModelRoundTrip() throws IOException {
    String path = tmp.resolve("model").toString();
    classifier.write().save(path);
    assertThatThrownBy(() -> classifier.write().save(path))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("already exists")
        .hasMessageContaining("overwrite");
    classifier.write().overwrite().save(path);
    NeuralNetClassificationModel loaded = NeuralNetClassificationModel.load(path);
    assertSameParams(classifier, loaded);
    assertThat(loaded.getProbabilityCol()).isEqualTo("p");
    assertThat(loaded.weights()).containsExactly(classifier.weights());
    assertThat(loaded.networkSpec()).isEqualTo(classifier.networkSpec());
    assertThat(loaded.numClasses()).isEqualTo(3);
    assertThat(loaded.hasSummary()).isFalse();
    assertThat(classifier.hasSummary()).isTrue();
    assertThatThrownBy(loaded::summary).hasMessageContaining("no training summary");
    assertThat(loaded.transform(data).collectAsList())
        .isEqualTo(classifier.transform(data).collectAsList());
    // PyTorch names: weights.safetensors holds nn.Sequential's state dict.
    assertThat(loaded.stateDict().keySet())
        .containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
  }

  @Test
  void regressionModelWithVectorLabelsRoundTrip() throws IOException {
    StructType schema =
        new StructType()
            .add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType())
            .add("label", org.apache.spark.ml.linalg.SQLDataTypes.VectorType());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      double a = i / 40.0;
      rows.add(RowFactory.create(Vectors.dense(a, 1 - a), Vectors.dense(2 * a, a - 1, 0.5)));
    }
    Dataset<Row> df = TestSpark.session().createDataFrame(rows, schema);
    NeuralNetRegressionModel m =
        new NeuralNetRegressor()
            .setHiddenLayers(new int[] {4})
            .setLoss("huber")
            .setBatchSize(10)
            .setMaxEpochs(2)
            .fit(df);
    assertThat(m.isVectorOutput()).isTrue();
    assertThat(m.numOutputs()).isEqualTo(3);
    String path = tmp.resolve("reg").toString();
    m.write().save(path);
    NeuralNetRegressionModel loaded = NeuralNetRegressionModel.load(path);
    assertSameParams(m, loaded);
    assertThat(loaded.isVectorOutput()).isTrue();
    List<Row> a = m.transform(df).select("prediction").collectAsList();
    assertThat(loaded.transform(df).select("prediction").collectAsList()).isEqualTo(a);
    assertThat(((Vector) a.get(0).get(0)).size()).isEqualTo(3);
  }

  @Test
  void estimatorRoundTrip() throws IOException {
    NeuralNetClassifier c =
        new NeuralNetClassifier()
            .setHiddenLayers(new int[] {7, 3})
            .setOptimizer("rmsprop")
            .setMomentum(0.5)
            .setLrSchedule("cosine")
            .setWarmupSteps(4)
            .setGradAccumulationSteps(3)
            .setLocalSteps(2)
            .setWeightCol("w")
            .setDevice("cpu")
            .setPrecision("bf16");
    String path = tmp.resolve("est").toString();
    c.write().save(path);
    NeuralNetClassifier loaded = NeuralNetClassifier.load(path);
    assertSameParams(c, loaded);
    assertThat(loaded.getGradAccumulationSteps()).isEqualTo(3);
    assertThat(loaded.getLocalSteps()).isEqualTo(2);
    assertThat(loaded.getPrecision()).isEqualTo("bf16");
    NeuralNetRegressor r = new NeuralNetRegressor().setLoss("l1").setMaxEpochs(4);
    r.write().save(tmp.resolve("reg-est").toString());
    assertSameParams(r, NeuralNetRegressor.load(tmp.resolve("reg-est").toString()));
  }

  private static Path keptVersion1() throws URISyntaxException {
    return Path.of(PersistenceTest.class.getResource("/models/classifier-v1").toURI());
  }

  @Test
  void theKeptVersion1ModelStillLoadsAndPredicts() throws Exception {
    NeuralNetClassificationModel m = NeuralNetClassificationModel.load(keptVersion1().toString());
    assertThat(m.uid()).isEqualTo("nnClassifier_v1fixture");
    assertThat(m.getPredictionCol()).isEqualTo("predicted");
    assertThat(m.getSeed()).isEqualTo(17L);
    String json =
        Files.readString(
            keptVersion1().resolveSibling("classifier-v1-expected.json"), StandardCharsets.UTF_8);
    List<Object> expected = StrictJson.asList(StrictJson.parse(json), "expected");
    Dataset<Row> probes =
        TestSpark.session().createDataFrame(SavedModels.probeRows(), Data.schema());
    List<Row> got = m.transform(probes).select("probability", "predicted").collectAsList();
    for (int i = 0; i < expected.size(); i++) {
      Map<String, Object> e = StrictJson.asObject(expected.get(i), "row");
      List<Object> p = StrictJson.asList(e.get("probability"), "probability");
      double[] actual = ((Vector) got.get(i).get(0)).toArray();
      for (int c = 0; c < 3; c++) {
        assertThat(actual[c]).isCloseTo(((Number) p.get(c)).doubleValue(), within(1e-7));
      }
      assertThat(got.get(i).getDouble(1)).isEqualTo(((Number) e.get("predicted")).doubleValue());
    }
  }

  @Test
  void aMissingPathSaysSo() {
    String path = tmp.resolve("nothing-here").toString();
    assertThatThrownBy(() -> NeuralNetClassificationModel.load(path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cannot load a NeuralNetClassificationModel from "
                + path
                + ": the path does not exist");
  }

  @Test
  void anotherModelsFolderNamesWhatItHolds() throws IOException {
    String scaler = tmp.resolve("scaler").toString();
    new StandardScaler().write().save(scaler);
    assertThatThrownBy(() -> NeuralNetClassificationModel.load(scaler))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cannot load a NeuralNetClassificationModel from "
                + scaler
                + ": it holds a org.apache.spark.ml.feature.StandardScaler, not a"
                + " org.sparkgrad.ml.NeuralNetClassificationModel; load it with that class");
    String path = tmp.resolve("clf").toString();
    classifier.write().save(path);
    assertThatThrownBy(() -> NeuralNetRegressionModel.load(path))
        .hasMessageContaining("it holds a org.sparkgrad.ml.NeuralNetClassificationModel");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> NeuralNetClassificationModel.load(empty.toString()))
        .hasMessageEndingWith("it has no metadata/ folder, so it is not a saved Spark ML model");
  }

  /** A copy of the kept model, without Hadoop's checksum files, so it can be edited. */
  private Path editableCopy() throws Exception {
    Path src = keptVersion1();
    Path dst = tmp.resolve("copy");
    try (Stream<Path> files = Files.walk(src)) {
      for (Path f : files.toList()) {
        Path to = dst.resolve(src.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else if (!f.getFileName().toString().endsWith(".crc")) {
          Files.copy(f, to);
        }
      }
    }
    return dst;
  }

  @Test
  void aDamagedWeightsFileIsNamed() throws Exception {
    Path dir = editableCopy();
    Path weights = dir.resolve("data/weights.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 10));
    assertThatThrownBy(() -> NeuralNetClassificationModel.load(dir.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "cannot load a NeuralNetClassificationModel from "
                + dir
                + ": the weights file data/weights.safetensors is damaged: ");
    Files.delete(weights);
    assertThatThrownBy(() -> NeuralNetClassificationModel.load(dir.toString()))
        .hasMessageEndingWith(
            "data/weights.safetensors is missing; the folder is damaged or incomplete");
  }

  @Test
  void aNewerFormatVersionAsksForANewerSparkgrad() throws Exception {
    Path dir = editableCopy();
    Path json = dir.resolve("data/model.json");
    Files.writeString(
        json,
        Files.readString(json).replace("\"formatVersion\":1", "\"formatVersion\":2"),
        StandardCharsets.UTF_8);
    assertThatThrownBy(() -> NeuralNetClassificationModel.load(dir.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cannot load a NeuralNetClassificationModel from "
                + dir
                + ": it was saved in format version 2, newer than the version 1 this Sparkgrad"
                + " reads; load it with a newer Sparkgrad");
    Files.writeString(json, "{\"formatVersion\": 1, \"network\": ", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> NeuralNetClassificationModel.load(dir.toString()))
        .hasMessageContaining(": data/model.json is damaged: invalid JSON at position");
  }
}
