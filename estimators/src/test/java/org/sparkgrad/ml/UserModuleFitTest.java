package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.EngineLoop;
import org.sparkgrad.ml.support.TestSpark;
import org.sparkgrad.nn.Dropout;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * A user's own {@code Module} (a residual MLP) through the estimators: by class name and by lambda,
 * saved, reloaded, its state dict loaded by name into the same architecture; partition invariance;
 * dropout inside the module; and the errors for a missing class or a module that does not fit.
 */
class UserModuleFitTest {
  @TempDir Path tmp;

  @BeforeAll
  static void session() {
    TestSpark.session(); // save and load need the shared session, whichever test runs first
  }

  private static NeuralNetClassifier classifier() {
    return new NeuralNetClassifier()
        .setModuleClass(ResidualMlp.Factory.class.getName())
        .setLearningRate(0.02)
        .setBatchSize(32)
        .setSeed(3);
  }

  private static double accuracy(NeuralNetClassificationModel m, Dataset<Row> df) {
    return m.transform(df).filter("prediction = label").count() / (double) df.count();
  }

  private static float[] forward(Module m, float[] x, int rows) {
    try (NoGrad ng = NoGrad.enter()) {
      m.eval();
      return m.forward(Tensor.of(x, rows, 4)).toFloatArray();
    }
  }

  @Test
  void aResidualMlpTrainsSavesReloadsAndItsStateDictLoadsByName() throws Exception {
    Dataset<Row> train = Data.blobsFrame(300, 1).repartition(2);
    NeuralNetClassificationModel m = classifier().setMaxEpochs(8).setNumReplicas(2).fit(train);
    assertThat(accuracy(m, train)).isGreaterThan(0.9);
    assertThat(m.stateDict().keySet())
        .containsExactly(
            "input.weight",
            "input.bias",
            "block.fc1.weight",
            "block.fc1.bias",
            "block.fc2.weight",
            "block.fc2.bias",
            "output.weight",
            "output.bias");
    assertThat(m.numOutputs()).isEqualTo(3);
    String onnx = tmp.resolve("residual.onnx").toString();
    assertThatThrownBy(() -> m.exportOnnx(onnx))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "cannot export a user module (" + ResidualMlp.Factory.class.getName());
    assertThat(tmp.resolve("residual.onnx")).doesNotExist();

    String path = tmp.resolve("residual").toString();
    m.write().save(path);
    String json = Files.readString(tmp.resolve("residual/data/model.json"), StandardCharsets.UTF_8);
    assertThat(json).contains("\"module_class\":\"" + ResidualMlp.Factory.class.getName() + "\"");
    NeuralNetClassificationModel loaded = NeuralNetClassificationModel.load(path);
    assertThat(loaded.getModuleClass()).isEqualTo(ResidualMlp.Factory.class.getName());
    assertThat(loaded.networkSpec()).isEqualTo(m.networkSpec());
    Dataset<Row> test = Data.blobsFrame(30, 2);
    assertThat(loaded.transform(test).select("probability").collectAsList())
        .isEqualTo(m.transform(test).select("probability").collectAsList());
    Row first = m.transform(test).select("features", "probability").first();
    assertThat(loaded.predictProbability(first.getAs(0)).toArray())
        .containsExactly(((Vector) first.getAs(1)).toArray(), within(1e-6));

    // The same architecture, built by the user with other initial weights, takes the weights by
    // name and computes what the model's module computes.
    Module mine = new ResidualMlp(4, 16, 3, 0, new Generator(99));
    float[] x = new float[4 * 5];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 7) * 0.4f - 1;
    }
    assertThat(forward(mine, x, 5)).isNotEqualTo(forward(loaded.toModule(), x, 5));
    mine.loadStateDict(loaded.stateDict());
    assertThat(forward(mine, x, 5)).containsExactly(forward(m.toModule(), x, 5));
  }

  @Test
  void aLambdaFactoryTrainsAndIsRefusedAtSaveWithWhatToDoInstead() {
    NeuralNetClassificationModel m =
        new NeuralNetClassifier()
            .setModuleFactory(gen -> new ResidualMlp(4, 8, 3, 0, gen))
            .setMaxEpochs(1)
            .fit(Data.blobsFrame(60, 4));
    assertThat(m.stateDict().get("block.fc1.weight").shape()).containsExactly(8, 8);
    Path path = tmp.resolve("lambda");
    assertThatThrownBy(() -> m.write().save(path.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("public no-argument constructor")
        .hasMessageContaining("setModuleClass");
    assertThat(Files.exists(path)).isFalse();
  }

  @Test
  void aUserModuleTrainsTheSameModelOnOneOrThreePartitions() {
    Dataset<Row> df = Data.blobsFrame(90, 5);
    float[] one = classifier().setMaxEpochs(2).fit(df.repartition(1)).weights();
    float[] three = classifier().setMaxEpochs(2).setNumReplicas(3).fit(df.repartition(3)).weights();
    assertThat(EngineLoop.relativeError(one, three)).isLessThan(1e-5);
  }

  @Test
  void dropoutChildrenOfAUserSequentialAreKeyedPerRowSoPartitionInvariant() {
    Dataset<Row> df = Data.blobsFrame(90, 8);
    NeuralNetClassifier est =
        new NeuralNetClassifier()
            .setModuleFactory(
                gen ->
                    new Sequential(
                        new Linear(4, 16, gen),
                        new ReLU(),
                        new Dropout(0.3),
                        new Linear(16, 3, gen)))
            .setLearningRate(0.02)
            .setBatchSize(32)
            .setMaxEpochs(2)
            .setSeed(4);
    float[] one = est.fit(df.repartition(1)).weights();
    float[] three = est.copy(new ParamMap()).setNumReplicas(3).fit(df.repartition(3)).weights();
    assertThat(EngineLoop.relativeError(one, three)).isLessThan(1e-5);
  }

  @Test
  void dropoutInsideAUserModuleIsSeededByTheFit() {
    Dataset<Row> df = Data.blobsFrame(90, 6).repartition(1);
    NeuralNetClassifier est =
        classifier().setModuleClass(ResidualMlp.DropoutFactory.class.getName()).setMaxEpochs(2);
    float[] a = est.fit(df).weights();
    float[] b = est.fit(df).weights();
    float[] noDropout = classifier().setMaxEpochs(2).fit(df).weights();
    assertThat(b).containsExactly(a);
    assertThat(EngineLoop.relativeError(a, noDropout)).isGreaterThan(1e-3);
  }

  @Test
  void anEstimatorWithAFactoryObjectSavesItsClassAndLoads() throws Exception {
    String path = tmp.resolve("estimator").toString();
    new NeuralNetClassifier().setModuleFactory(new ResidualMlp.Factory()).write().save(path);
    NeuralNetClassifier loaded = NeuralNetClassifier.load(path);
    assertThat(loaded.getModuleFactory()).isInstanceOf(ResidualMlp.Factory.class);

    NeuralNetClassifier lambda =
        new NeuralNetClassifier().setModuleFactory(gen -> new ResidualMlp(4, 8, 3, 0, gen));
    Path other = tmp.resolve("lambda-estimator");
    assertThatThrownBy(() -> lambda.write().save(other.toString()))
        .hasMessageContaining("cannot save moduleFactory of class")
        .hasMessageContaining("public no-argument constructor");
    assertThat(Files.exists(other.resolve("metadata"))).isFalse();
  }

  @Test
  void badInputNamesTheClassParamsAndSizes() throws Exception {
    Dataset<Row> df = Data.blobsFrame(30, 7);
    assertThatThrownBy(() -> classifier().setModuleClass("com.example.NoSuchFactory").fit(df))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("moduleClass")
        .hasMessageContaining("'com.example.NoSuchFactory' is not on the class path");
    assertThatThrownBy(() -> classifier().setModuleClass(String.class.getName()).fit(df))
        .hasMessageContaining("does not implement org.sparkgrad.ml.ModuleFactory");
    assertThatThrownBy(() -> classifier().setNetwork(NetworkLayersFitTest.EMBEDDING).fit(df))
        .hasMessageContaining("both network and moduleClass are set");
    assertThatThrownBy(
            () ->
                new NeuralNetRegressor()
                    .setModuleFactory(gen -> new ResidualMlp(4, 8, 3, 0, gen))
                    .fit(df))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the module outputs 3 values")
        .hasMessageContaining("has 1 label value(s) per row");
    assertThatThrownBy(
            () ->
                new NeuralNetClassifier()
                    .setModuleFactory(gen -> new ResidualMlp(5, 8, 3, 0, gen))
                    .fit(df))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fails on one row of input shape [1, 4]");

    // A saved model whose factory class is gone fails to load, naming the class.
    String path = tmp.resolve("moved").toString();
    classifier().setMaxEpochs(1).fit(df).write().save(path);
    Path json = tmp.resolve("moved/data/model.json");
    Files.writeString(
        json,
        Files.readString(json).replace(ResidualMlp.Factory.class.getName(), "com.example.Gone"));
    Files.deleteIfExists(
        json.resolveSibling(".model.json.crc")); // the local file system's checksum
    assertThatThrownBy(() -> NeuralNetClassificationModel.load(path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'com.example.Gone' is not on the class path");
  }
}
