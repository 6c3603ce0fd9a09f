package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.io.StateDict;
import org.sparkgrad.ml.support.Data;

/**
 * Warm start: a fit that starts from a fitted model's weights (the model itself, its saved folder,
 * or a safetensors state dict) continues from where that model was.
 */
class WarmStartTest {
  @TempDir static Path tmp;

  private static Dataset<Row> data;
  private static NeuralNetClassificationModel pretrained;
  private static String saved;

  private static NeuralNetClassifier estimator(int epochs) {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {16})
        .setLearningRate(0.01)
        .setBatchSize(32)
        .setMaxEpochs(epochs)
        .setSeed(4)
        .setDevice("cpu");
  }

  @BeforeAll
  static void pretrain() throws Exception {
    data = Data.blobsFrame(240, 21);
    pretrained = estimator(4).fit(data);
    saved = tmp.resolve("pretrained").toString();
    pretrained.write().save(saved);
  }

  @Test
  void aFitFromASavedModelStartsWithALowerLossThanAFreshOne() {
    NeuralNetClassificationModel fresh = estimator(1).fit(data);
    NeuralNetClassificationModel warm = estimator(1).setInitialWeightsPath(saved).fit(data);
    double freshLoss = fresh.summary().trainLoss()[0];
    double warmLoss = warm.summary().trainLoss()[0];
    assertThat(warmLoss).isLessThan(freshLoss);
    // It continues: the first warm epoch is better than the pretrained fit's last epoch was.
    assertThat(warmLoss).isLessThan(pretrained.summary().trainLoss()[3]);

    // The model object and a bare safetensors file give the very same fit.
    NeuralNetClassificationModel fromModel = estimator(1).setInitialModel(pretrained).fit(data);
    assertThat(fromModel.weights()).containsExactly(warm.weights());
  }

  @Test
  void aSafetensorsFileWorksLikeTheSavedFolder() throws Exception {
    Path file = tmp.resolve("weights.safetensors");
    StateDict.save(pretrained.stateDict(), file);
    NeuralNetClassificationModel a = estimator(1).setInitialWeightsPath(file.toString()).fit(data);
    NeuralNetClassificationModel b = estimator(1).setInitialWeightsPath(saved).fit(data);
    assertThat(a.weights()).containsExactly(b.weights());
  }

  @Test
  void anotherNetworkIsRefusedNamingTheShapes() {
    assertThatThrownBy(
            () -> estimator(1).setHiddenLayers(new int[] {8}).setInitialModel(pretrained).fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the initial model's network does not match this fit's")
        .hasMessageContaining("0.weight=[16, 4]")
        .hasMessageContaining("0.weight=[8, 4]");
    assertThatThrownBy(
            () ->
                estimator(1).setHiddenLayers(new int[] {8}).setInitialWeightsPath(saved).fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit this fit's network")
        .hasMessageContaining("0.weight=[16, 4]")
        .hasMessageContaining("0.weight=[8, 4]");
  }

  @Test
  void badSourcesAreNamed() {
    assertThatThrownBy(
            () -> estimator(1).setInitialModel(pretrained).setInitialWeightsPath(saved).fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("set one of them, not both");
    String missing = tmp.resolve("nothing-here").toString();
    assertThatThrownBy(() -> estimator(1).setInitialWeightsPath(missing).fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initialWeightsPath '" + missing + "' does not exist");
  }

  @Test
  void theInitialModelIsCopiedWithTheEstimator() {
    NeuralNetClassifier c = estimator(1).setInitialModel(pretrained);
    assertThat(c.copy(new org.apache.spark.ml.param.ParamMap()).getInitialModel())
        .isSameAs(pretrained);
  }
}
