package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.support.EngineLoop;

/**
 * The {@code precision} param in a fit on the CPU: bf16 trains (differently from float32, so the
 * autocast reaches the tasks) and the model keeps the param; fp16 is refused where it cannot run,
 * naming the params.
 */
class MixedPrecisionFitTest {
  private static Dataset<Row> data;

  private static NeuralNetClassifier estimator() {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {16})
        .setLearningRate(0.01)
        .setBatchSize(32)
        .setMaxEpochs(3)
        .setSeed(4)
        .setDevice("cpu");
  }

  @BeforeAll
  static void data() {
    data = Data.blobsFrame(240, 21);
  }

  @Test
  void bf16TrainsOnTheCpuAndTheModelKeepsTheParam() {
    NeuralNetClassificationModel bf16 = estimator().setPrecision("bf16").fit(data);
    NeuralNetClassificationModel float32 = estimator().fit(data);
    assertThat(bf16.getPrecision()).isEqualTo("bf16");
    assertThat(EngineLoop.relativeError(bf16.weights(), float32.weights())).isGreaterThan(1e-4);
    double[] losses = bf16.summary().trainLoss();
    assertThat(losses[2]).isLessThan(losses[0]);
    // bfloat16's 8 significant bits cost a blob classifier next to nothing.
    assertThat(losses[2]).isLessThan(float32.summary().trainLoss()[2] * 1.1);
  }

  @Test
  void fp16IsRefusedOnTheCpuAndWithLocalSteps() {
    assertThatThrownBy(() -> estimator().setPrecision("fp16").fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("precision fp16 needs a GPU, but device is cpu");
    assertThatThrownBy(
            () -> estimator().setDevice("gpu").setPrecision("fp16").setLocalSteps(2).fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("precision fp16 needs localSteps 1 (got 2)");
  }

  @Test
  void fp16IsRefusedWhereDeviceAutoMeansTheCpu() {
    assertThatThrownBy(() -> estimator().setDevice("auto").setPrecision("fp16").fit(data))
        .hasStackTraceContaining("precision fp16 needs a GPU, but this task computes on cpu");
  }
}
