package org.sparkgrad.ml.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.ml.data.BlockBuilder;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.train.GradientStep;
import org.sparkgrad.ml.train.LocalGradientSource;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Objective;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.ml.train.RowIds;
import org.sparkgrad.ml.train.RunFingerprint;
import org.sparkgrad.ml.train.StepResult;
import org.sparkgrad.ml.train.Trainer;
import org.sparkgrad.ml.train.TrainingConfig;

/**
 * A batch-norm network's fit aborted in mid-epoch resumes from its checkpoint to exactly the
 * uninterrupted fit's weights and running statistics: the checkpoint keeps the buffers.
 */
class BatchNormResumeTest {
  private static final int D = 4;
  private static final NetworkSpec SPEC =
      NetworkSpec.parse(
          "{\"layers\": [{\"type\": \"linear\", \"in_features\": 4, \"out_features\": 6},"
              + " {\"type\": \"batch_norm1d\", \"num_features\": 6}, {\"type\": \"tanh\"},"
              + " {\"type\": \"linear\", \"in_features\": 6, \"out_features\": 3}]}");

  @TempDir Path tmp;

  private final List<PartitionData> parts = new ArrayList<>();

  BatchNormResumeTest() {
    org.sparkgrad.tensor.Generator g = new org.sparkgrad.tensor.Generator(5);
    int[] cuts = {0, 15, 40};
    for (int p = 0; p < 2; p++) {
      BlockBuilder train = new BlockBuilder(D, 1, false);
      BlockBuilder val = new BlockBuilder(D, 1, false);
      for (int i = cuts[p]; i < cuts[p + 1]; i++) {
        float[] x = new float[D];
        for (int j = 0; j < D; j++) {
          x[j] = (float) (2 * g.nextGaussian() + (j == i % 3 ? 3.0 : 1.0));
        }
        (i % 5 == 0 ? val : train).add(x, new float[] {i % 3}, 1f);
      }
      parts.add(new PartitionData(p, train.build(), val.build()));
    }
    List<PartitionData> assigned = RowIds.assign(parts);
    parts.clear();
    parts.addAll(assigned);
  }

  private long rows(boolean train) {
    return parts.stream().mapToLong(p -> train ? p.train().rows() : p.validation().rows()).sum();
  }

  private final TrainingConfig config =
      new TrainingConfig("adam", 0.05, 0, 0, "cosine", 1, 1, 2, 0, 8, 3, 5, true, false, 0);

  private Trainer.Result fit(boolean checkpoints, int limit) {
    GradientStep step =
        new GradientStep(SPEC, Objective.CROSS_ENTROPY, config.seed(), rows(true), 8, true, "cpu");
    LocalGradientSource inner = new LocalGradientSource(parts, step);
    int[] calls = {0};
    Trainer.GradientSource source =
        new Trainer.GradientSource() {
          @Override
          public StepResult step(
              float[] w, float[] b, int epoch, int s, int stepsPerEpoch, int maxEpochs) {
            if (++calls[0] > limit) {
              throw new IllegalStateException("killed");
            }
            return inner.step(w, b, epoch, s, stepsPerEpoch, maxEpochs);
          }

          @Override
          public StepResult validate(float[] weights, float[] buffers) {
            return inner.validate(weights, buffers);
          }
        };
    Trainer trainer = new Trainer(config, SPEC, Objective.CROSS_ENTROPY, rows(true), true, null);
    if (!checkpoints) {
      return trainer.fit(source);
    }
    try (Checkpointing ck =
        Checkpointing.open(
            new CheckpointStore(new org.apache.hadoop.fs.Path(tmp.toUri()), new Configuration()),
            SPEC,
            RunFingerprint.of(
                config, SPEC, Objective.CROSS_ENTROPY, rows(true), rows(false), null, null),
            new Checkpointing.Settings(3, "step", 3, false),
            config.maxEpochs())) {
      return trainer.withCheckpoints(ck).fit(source);
    }
  }

  @Test
  void aResumedFitHasTheUninterruptedFitsRunningStatistics() {
    Trainer.Result reference = fit(false, Integer.MAX_VALUE);
    float[] fresh = Replica.flatBuffers(SPEC.module(0));
    // 32 training rows, batch 8: 4 steps an epoch, 12 in all; checkpoints after steps 3, 6, 9
    assertThatThrownBy(() -> fit(true, 8)).hasMessage("killed");
    Trainer.Result resumed = fit(true, Integer.MAX_VALUE);
    assertThat(reference.buffers()).hasSize(13);
    assertThat(reference.buffers()[12]).isEqualTo(12f); // num_batches_tracked: every step
    assertThat(reference.buffers()).isNotEqualTo(fresh);
    assertThat(resumed.buffers()).containsExactly(reference.buffers());
    assertThat(resumed.weights()).containsExactly(reference.weights());
    assertThat(resumed.summary().validationLoss())
        .containsExactly(reference.summary().validationLoss());
  }
}
