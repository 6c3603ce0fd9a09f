package org.sparkgrad.ml.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.train.BatchNormSteps;
import org.sparkgrad.ml.train.GradientStep;
import org.sparkgrad.ml.train.LocalGradientSource;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Objective;
import org.sparkgrad.ml.train.RunFingerprint;
import org.sparkgrad.ml.train.StepResult;
import org.sparkgrad.ml.train.Trainer;
import org.sparkgrad.ml.train.TrainingConfig;

/**
 * A batch-norm fit over three partitions, aborted mid-epoch and resumed from its checkpoint, ends
 * with exactly the weights and running statistics of the uninterrupted fit: the checkpoint keeps
 * the driver's buffers.
 */
class BatchNormResumeTest {
  private static final int N = 120;
  private static final NetworkSpec SPEC = NetworkSpec.parse(BatchNormSteps.CNN);

  @TempDir Path tmp;

  private final float[] y = new float[N];
  private final List<PartitionData> parts =
      BatchNormSteps.partitions(BatchNormSteps.images(N, 3, y), y, 3);
  private final TrainingConfig config = BatchNormSteps.adam(32, 2);

  private Checkpointing checkpointing() {
    return Checkpointing.open(
        new CheckpointStore(new org.apache.hadoop.fs.Path(tmp.toUri()), new Configuration()),
        SPEC,
        RunFingerprint.of(config, SPEC, Objective.CROSS_ENTROPY, N, 0, null, null),
        new Checkpointing.Settings(3, "step", 3, false),
        config.maxEpochs());
  }

  /** A fit that fails like a killed driver once {@code limit} steps have run. */
  private Trainer.Result fit(Checkpointing ck, int limit) {
    GradientStep step =
        new GradientStep(SPEC, Objective.CROSS_ENTROPY, config.seed(), N, 32, true, "cpu");
    LocalGradientSource inner = new LocalGradientSource(parts, step);
    int[] calls = {0};
    Trainer.GradientSource source =
        new Trainer.GradientSource() {
          @Override
          public StepResult step(float[] w, float[] b, int e, int s, int steps, int epochs) {
            if (++calls[0] > limit) {
              throw new IllegalStateException("killed");
            }
            return inner.step(w, b, e, s, steps, epochs);
          }

          @Override
          public StepResult validate(float[] w, float[] b) {
            return inner.validate(w, b);
          }
        };
    try (Checkpointing closing = ck) {
      return new Trainer(config, SPEC, Objective.CROSS_ENTROPY, N, false, null)
          .withCheckpoints(closing)
          .fit(source);
    }
  }

  @Test
  void aBatchNormFitResumesToTheUninterruptedWeightsAndRunningStatistics() {
    Trainer.Result reference = fit(null, Integer.MAX_VALUE);
    // 4 steps an epoch: checkpoints after steps 3 and 6 (epoch 2, step 2), then killed in step 7
    assertThatThrownBy(() -> fit(checkpointing(), 6)).hasMessage("killed");
    Checkpointing resume = checkpointing();
    Trainer.Result resumed = fit(resume, Integer.MAX_VALUE);
    assertThat(resume.resumedFrom().globalStep()).isEqualTo(6);
    assertThat(resumed.weights()).containsExactly(reference.weights());
    assertThat(resumed.buffers()).containsExactly(reference.buffers());
    assertThat(resumed.buffers()[8]).isEqualTo(8f);
  }
}
