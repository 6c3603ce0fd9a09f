package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.train.TrainingListener;

/** Spark finds every param by reflection, copies honour extra params, and validators explain. */
class ParamsTest {
  private static final List<String> SHARED =
      List.of(
          "activation",
          "batchSize",
          "checkpointDir",
          "checkpointInterval",
          "checkpointIntervalUnit",
          "checkpointOverwrite",
          "dataStorage",
          "device",
          "dropLast",
          "dropout",
          "earlyStoppingPatience",
          "featuresCol",
          "featuresCols",
          "gradAccumulationSteps",
          "gradClipNorm",
          "hiddenLayers",
          "inferBatchSize",
          "initialWeightsPath",
          "inputShape",
          "keepCheckpoints",
          "labelCol",
          "learningRate",
          "localSteps",
          "loss",
          "lrGamma",
          "lrSchedule",
          "lrStepSize",
          "maxEpochs",
          "moduleClass",
          "moduleFactory",
          "momentum",
          "network",
          "numReplicas",
          "optimizer",
          "precision",
          "predictionCol",
          "seed",
          "shuffle",
          "validationIndicatorCol",
          "warmupSteps",
          "weightCol",
          "weightDecay");

  private static List<String> names(Param<?>[] params) {
    return Arrays.stream(params).map(Param::name).sorted().toList();
  }

  @Test
  void sparkDiscoversEveryParamOfTheClassifier() {
    NeuralNetClassifier c = new NeuralNetClassifier();
    List<String> expected = new java.util.ArrayList<>(SHARED);
    expected.add("probabilityCol");
    expected.add("rawPredictionCol");
    expected.add("classWeights");
    expected.add("labelSmoothing");
    assertThat(names(c.params())).containsExactlyElementsOf(expected.stream().sorted().toList());
    for (Param<?> p : c.params()) {
      assertThat(p.parent()).isEqualTo(c.uid());
      assertThat(c.hasParam(p.name())).isTrue();
      assertThat(p.doc()).isNotBlank();
    }
    assertThat(c.explainParams()).contains("learningRate: learning rate");
  }

  @Test
  void sparkDiscoversEveryParamOfTheRegressor() {
    NeuralNetRegressor r = new NeuralNetRegressor();
    List<String> expected = new java.util.ArrayList<>(SHARED);
    expected.add("labelScaling");
    assertThat(names(r.params())).containsExactlyElementsOf(expected.stream().sorted().toList());
    assertThat(r.getLabelScaling()).isEqualTo("auto");
    assertThat(r.getLoss()).isEqualTo("mse");
    assertThat(r.hasParam("probabilityCol")).isFalse();
  }

  @Test
  void defaultsAreSetAndOptionalColumnsAreUnset() {
    NeuralNetClassifier c = new NeuralNetClassifier();
    assertThat(c.getFeaturesCol()).isEqualTo("features");
    assertThat(c.getLabelCol()).isEqualTo("label");
    assertThat(c.getPredictionCol()).isEqualTo("prediction");
    assertThat(c.getRawPredictionCol()).isEqualTo("rawPrediction");
    assertThat(c.getProbabilityCol()).isEqualTo("probability");
    assertThat(c.getLoss()).isEqualTo("cross_entropy");
    assertThat(c.getOptimizer()).isEqualTo("adam");
    assertThat(c.getLearningRate()).isEqualTo(1e-3);
    assertThat(c.getHiddenLayers()).containsExactly(64);
    assertThat(c.getBatchSize()).isEqualTo(64);
    assertThat(c.getSeed()).isEqualTo((long) NeuralNetClassifier.class.getName().hashCode());
    assertThat(c.getShuffle()).isTrue();
    assertThat(c.getGradAccumulationSteps()).isEqualTo(1);
    assertThat(c.getLocalSteps()).isEqualTo(1);
    assertThat(c.isDefined(c.weightCol())).isFalse();
    assertThat(c.isDefined(c.validationIndicatorCol())).isFalse();
    assertThat(c.isNonEmpty(c.weightCol())).isFalse();
    assertThat(c.getCheckpointDir()).isEmpty();
    assertThat(c.getCheckpointInterval()).isEqualTo(1);
    assertThat(c.getCheckpointIntervalUnit()).isEqualTo("epoch");
    assertThat(c.getKeepCheckpoints()).isEqualTo(2);
    assertThat(c.getCheckpointOverwrite()).isFalse();
    assertThat(c.getInitialWeightsPath()).isEmpty();
    assertThat(c.getInitialModel()).isNull();
    assertThat(c.getPrecision()).isEqualTo("float32");
  }

  @Test
  void settersSetAndGettersReturnCopies() {
    NeuralNetClassifier c =
        new NeuralNetClassifier()
            .setHiddenLayers(new int[] {8, 4})
            .setLearningRate(0.05)
            .setMaxEpochs(3)
            .setSeed(42)
            .setWeightCol("w");
    assertThat(c.getHiddenLayers()).containsExactly(8, 4);
    c.getHiddenLayers()[0] = 99;
    assertThat(c.getHiddenLayers()).containsExactly(8, 4);
    assertThat(c.getLearningRate()).isEqualTo(0.05);
    assertThat(c.getMaxEpochs()).isEqualTo(3);
    assertThat(c.getSeed()).isEqualTo(42L);
    assertThat(c.isNonEmpty(c.weightCol())).isTrue();
  }

  @Test
  void copyKeepsUidParamsAndListenerAndAppliesExtra() {
    TrainingListener listener = stats -> {};
    NeuralNetClassifier c =
        new NeuralNetClassifier()
            .setMaxEpochs(3)
            .setLearningRate(0.01)
            .setTrainingListener(listener);
    ParamMap extra = new ParamMap().put(c.learningRate().w(0.2));
    NeuralNetClassifier copy = c.copy(extra);
    assertThat(copy).isNotSameAs(c);
    assertThat(copy.uid()).isEqualTo(c.uid());
    assertThat(copy.getMaxEpochs()).isEqualTo(3);
    assertThat(copy.getLearningRate()).isEqualTo(0.2);
    assertThat(c.getLearningRate()).isEqualTo(0.01);
    assertThat(copy.getTrainingListener()).isSameAs(listener);
    for (Param<?> p : copy.params()) {
      assertThat(p.parent()).isEqualTo(copy.uid());
    }
    // The copy's params are its own objects: setting one leaves the original alone.
    copy.setMaxEpochs(7);
    assertThat(c.getMaxEpochs()).isEqualTo(3);
  }

  @Test
  void outOfRangeValuesNameTheParamTheRangeAndTheValue() {
    NeuralNetClassifier c = new NeuralNetClassifier();
    assertThatThrownBy(() -> c.setLearningRate(-0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("learningRate must be > 0, got -0.1");
    assertThatThrownBy(() -> c.setLearningRate(Double.NaN))
        .hasMessage("learningRate must be > 0, got NaN");
    assertThatThrownBy(() -> c.setBatchSize(0)).hasMessage("batchSize must be >= 1, got 0");
    assertThatThrownBy(() -> c.setMaxEpochs(-2)).hasMessage("maxEpochs must be >= 1, got -2");
    assertThatThrownBy(() -> c.setDropout(1.0)).hasMessage("dropout must be in [0, 1), got 1.0");
    assertThatThrownBy(() -> c.setMomentum(-0.5))
        .hasMessage("momentum must be in [0, 1), got -0.5");
    assertThatThrownBy(() -> c.setWeightDecay(-1e-4))
        .hasMessage("weightDecay must be >= 0, got -1.0E-4");
    assertThatThrownBy(() -> c.setLrGamma(0)).hasMessage("lrGamma must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> c.setLrStepSize(0)).hasMessage("lrStepSize must be >= 1, got 0");
    assertThatThrownBy(() -> c.setWarmupSteps(-1)).hasMessage("warmupSteps must be >= 0, got -1");
    assertThatThrownBy(() -> c.setGradClipNorm(-1))
        .hasMessage("gradClipNorm must be >= 0, got -1.0");
    assertThatThrownBy(() -> c.setEarlyStoppingPatience(-1))
        .hasMessage("earlyStoppingPatience must be >= 0, got -1");
    assertThatThrownBy(() -> c.setNumReplicas(-1)).hasMessage("numReplicas must be >= 0, got -1");
    assertThatThrownBy(() -> c.setInferBatchSize(0))
        .hasMessage("inferBatchSize must be >= 1, got 0");
    assertThatThrownBy(() -> c.setCheckpointInterval(0))
        .hasMessage("checkpointInterval must be >= 1, got 0");
    assertThatThrownBy(() -> c.setKeepCheckpoints(0))
        .hasMessage("keepCheckpoints must be >= 1, got 0");
    assertThatThrownBy(() -> c.setGradAccumulationSteps(0))
        .hasMessage("gradAccumulationSteps must be >= 1, got 0");
    assertThatThrownBy(() -> c.setLocalSteps(0)).hasMessage("localSteps must be >= 1, got 0");
    assertThatThrownBy(() -> c.setHiddenLayers(new int[] {4, 0}))
        .hasMessage("hiddenLayers must be an array of sizes > 0, got [4, 0]");
    assertThat(c.getLearningRate()).isEqualTo(1e-3);
  }

  @Test
  void unknownNamesListTheAllowedOnes() {
    NeuralNetClassifier c = new NeuralNetClassifier();
    assertThatThrownBy(() -> c.setActivation("swish"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("activation must be one of [relu, tanh, sigmoid, gelu], got 'swish'");
    assertThatThrownBy(() -> c.setOptimizer("lbfgs"))
        .hasMessage("optimizer must be one of [sgd, adam, adamw, rmsprop], got 'lbfgs'");
    assertThatThrownBy(() -> c.setLoss("mse"))
        .hasMessage("loss must be one of [cross_entropy, bce_with_logits], got 'mse'");
    assertThatThrownBy(() -> new NeuralNetRegressor().setLoss("cross_entropy"))
        .hasMessage("loss must be one of [mse, l1, huber], got 'cross_entropy'");
    assertThatThrownBy(() -> c.setLrSchedule("exponential"))
        .hasMessage(
            "lrSchedule must be one of [constant, step, cosine, linear], got 'exponential'");
    assertThatThrownBy(() -> c.setDevice("tpu"))
        .hasMessage("device must be one of [auto, cpu, gpu], got 'tpu'");
    assertThatThrownBy(() -> c.setPrecision("float16"))
        .hasMessage("precision must be one of [float32, bf16, fp16], got 'float16'");
    assertThatThrownBy(() -> c.setCheckpointIntervalUnit("hour"))
        .hasMessage("checkpointIntervalUnit must be one of [epoch, step], got 'hour'");
    assertThatThrownBy(() -> c.setFeaturesCol(null))
        .hasMessage("featuresCol must be a string (not null), got null");
  }

  @Test
  void paramMapsValidateToo() {
    NeuralNetClassifier c = new NeuralNetClassifier();
    assertThatThrownBy(() -> new ParamMap().put(c.batchSize().w(-3)))
        .hasMessage("batchSize must be >= 1, got -3");
  }
}
