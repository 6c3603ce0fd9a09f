package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.support.EngineLoop;

/**
 * Batch norm on partitions in this JVM ({@link LocalGradientSource}, which replays each step round
 * by round of its batch statistics): the rows split one way or three train the same weights and
 * running statistics, since every partition normalises with the statistics of the whole minibatch;
 * normalising with each partition's own rows instead trains another model.
 */
class BatchNormTrainingTest {
  private static final int N = 120;
  private static final NetworkSpec SPEC = NetworkSpec.parse(BatchNormSteps.CNN);

  private final float[] y = new float[N];
  private final float[][] x = BatchNormSteps.images(N, 3, y);

  private Trainer.Result fit(List<PartitionData> parts, int batch, int accumulation, boolean sync) {
    TrainingConfig c = BatchNormSteps.adam(batch, 2);
    GradientStep step =
        new GradientStep(
            SPEC, Objective.CROSS_ENTROPY, c.seed(), N, batch, true, "cpu", accumulation);
    Trainer t =
        new Trainer(
            c, SPEC, Objective.CROSS_ENTROPY, N, false, null, new Amortisation(accumulation, 1));
    LocalGradientSource source = new LocalGradientSource(parts, step);
    if (sync) {
      return t.fit(source);
    }
    // The reducer bypassed: every partition normalises with its own rows' statistics.
    return t.fit(
        new Trainer.GradientSource() {
          @Override
          public StepResult step(float[] w, float[] b, int e, int s, int steps, int epochs) {
            StepResult acc = new StepResult();
            for (PartitionData p : parts) {
              acc.merge(step.train(p, w, b, e, s, null));
            }
            return acc;
          }

          @Override
          public StepResult validate(float[] w, float[] b) {
            return source.validate(w, b);
          }
        });
  }

  @Test
  void oneOrThreePartitionsTrainTheSameWeightsAndRunningStatistics() {
    Trainer.Result one = fit(BatchNormSteps.partitions(x, y, 1), 32, 1, true);
    Trainer.Result three = fit(BatchNormSteps.partitions(x, y, 3), 32, 1, true);
    assertThat(EngineLoop.relativeError(one.weights(), three.weights())).isLessThan(1e-5);
    // running_mean (4), running_var (4), num_batches_tracked: 2 epochs of 4 steps
    float[] b = three.buffers();
    assertThat(b).hasSize(9);
    assertThat(b[8]).isEqualTo(8f);
    assertThat(EngineLoop.relativeError(one.buffers(), b)).isLessThan(1e-5);
    float[] initial = Replica.flatBuffers(SPEC.build(5));
    assertThat(EngineLoop.relativeError(b, initial)).isGreaterThan(0.1);
  }

  @Test
  void perPartitionStatisticsTrainAnotherModel() {
    Trainer.Result one = fit(BatchNormSteps.partitions(x, y, 1), 32, 1, true);
    Trainer.Result apart = fit(BatchNormSteps.partitions(x, y, 3), 32, 1, false);
    assertThat(EngineLoop.relativeError(one.weights(), apart.weights())).isGreaterThan(1e-3);
  }

  @Test
  void gradientAccumulationNormalisesEachMicroBatchAsAWhole() {
    // micro-batches of 20 rows, 2 per step: each partition has rows in every micro-batch
    Trainer.Result one = fit(BatchNormSteps.partitions(x, y, 1), 20, 2, true);
    Trainer.Result three = fit(BatchNormSteps.partitions(x, y, 3), 20, 2, true);
    assertThat(EngineLoop.relativeError(one.weights(), three.weights())).isLessThan(1e-5);
    assertThat(EngineLoop.relativeError(one.buffers(), three.buffers())).isLessThan(1e-5);
    assertThat(three.buffers()[8]).isEqualTo(12f); // 2 epochs of 3 steps of 2 micro-batches
  }

  @Test
  void localStepsRefuseBatchNormNamingTheParam() {
    TrainingConfig c = BatchNormSteps.adam(32, 1);
    Trainer t =
        new Trainer(c, SPEC, Objective.CROSS_ENTROPY, N, false, null, new Amortisation(1, 4));
    GradientStep step = new GradientStep(SPEC, Objective.CROSS_ENTROPY, 5, N, 32, true, "cpu");
    assertThatThrownBy(
            () -> t.fit(new LocalGradientSource(BatchNormSteps.partitions(x, y, 2), step)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "localSteps is 4, but the network has batch norm: local steps train each partition on"
                + " its own rows");
  }
}
