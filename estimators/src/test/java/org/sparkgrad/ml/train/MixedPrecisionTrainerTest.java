package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.data.BlockBuilder;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.io.CheckpointCodec;
import org.sparkgrad.ml.support.EngineLoop;
import org.sparkgrad.optim.LossScaler;
import org.sparkgrad.tensor.Autocast;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Precision;

/**
 * The training core's mixed precision on the CPU: a bf16 step trains what the engine loop trains in
 * an autocast region; fp16's loss scaling on the driver skips the steps whose scaled gradient
 * overflows, backs off and grows as GradScaler does, changes nothing when nothing overflows, and
 * resumes from any checkpoint (through the checkpoint files) to the identical model.
 */
class MixedPrecisionTrainerTest {
  private static final int N = 61;
  private static final int D = 5;
  private static final NetworkSpec SPEC = NetworkSpec.simple(D, new int[] {7}, "relu", 0, 3);

  private final float[][] x = new float[N][D];
  private final float[] y = new float[N];

  MixedPrecisionTrainerTest() {
    Generator g = new Generator(21);
    for (int i = 0; i < N; i++) {
      y[i] = i % 3;
      for (int j = 0; j < D; j++) {
        // large features give first-layer gradients of tens, so a scale near float32's top
        // overflows
        x[i][j] = (float) (40 * (g.nextGaussian() + (j == i % 3 ? 1.5 : 0)));
      }
    }
  }

  private List<PartitionData> partitions() {
    List<PartitionData> parts = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      BlockBuilder b = new BlockBuilder(D, 1, false);
      for (int i = p; i < N; i += 2) {
        b.add(x[i], new float[] {y[i]}, 1f);
      }
      parts.add(new PartitionData(p, b.build(), new BlockBuilder(D, 1, false).build()));
    }
    return RowIds.assign(parts);
  }

  private static TrainingConfig sgd() {
    return new TrainingConfig("sgd", 1e-3, 0.9, 0, "constant", 1, 1, 0, 0, 8, 2, 5, true, false, 0);
  }

  private GradientStep step(Precision precision) {
    TrainingConfig c = sgd();
    return new GradientStep(SPEC, Objective.CROSS_ENTROPY, c.seed(), N, c.batchSize(), true, "cpu")
        .withPrecision(precision);
  }

  /** A source that records the weights each step was given. */
  private static final class Recording implements Trainer.GradientSource {
    final LocalGradientSource inner;
    final List<float[]> given = new ArrayList<>();

    Recording(LocalGradientSource inner) {
      this.inner = inner;
    }

    @Override
    public StepResult step(
        float[] weights, float[] buffers, int epoch, int step, int steps, int maxEpochs) {
      given.add(weights.clone());
      return inner.step(weights, buffers, epoch, step, steps, maxEpochs);
    }

    @Override
    public StepResult validate(float[] weights, float[] buffers) {
      return inner.validate(weights, buffers);
    }
  }

  /** Checkpoints after every step and epoch, kept as the files of the checkpoint format. */
  private static final class FileCheckpoints implements CheckpointHook {
    final List<Map<String, byte[]>> saved = new ArrayList<>();
    final Map<String, byte[]> resumeFrom;

    FileCheckpoints(Map<String, byte[]> resumeFrom) {
      this.resumeFrom = resumeFrom;
    }

    @Override
    public TrainingCheckpoint resume(int stepsPerEpoch) {
      return resumeFrom == null ? null : CheckpointCodec.decode(resumeFrom, SPEC);
    }

    @Override
    public boolean dueAfterStep(long globalSteps) {
      return true;
    }

    @Override
    public boolean dueAfterEpoch(int epochs, long globalSteps, boolean last) {
      return true;
    }

    @Override
    public void save(TrainingCheckpoint checkpoint) {
      saved.add(CheckpointCodec.encode(checkpoint, SPEC, Map.of("run", "mixed precision")));
    }
  }

  private static LossScaler hugeScale() {
    // 2^127: the scaled first-layer gradients overflow float32 until the scale has backed off;
    // growth after 3 clean steps makes it overflow again now and then.
    return new LossScaler(0x1p127f, 2.0, 0.5, 3);
  }

  private Trainer trainer(LossScaler scaler) {
    return new Trainer(sgd(), SPEC, Objective.CROSS_ENTROPY, N, false, null).withLossScaler(scaler);
  }

  @Test
  void bf16StepsTrainWhatTheEngineLoopTrainsInAnAutocastRegion() {
    float[] bf16 =
        trainer(null).fit(new LocalGradientSource(partitions(), step(Precision.BF16))).weights();
    float[] reference;
    try (Autocast ac = Autocast.enter(Device.CPU, Precision.BF16)) {
      reference = EngineLoop.train(SPEC, x, y, sgd().seed(), 2, 8, 1e-3, 0.9);
    }
    float[] float32 = EngineLoop.train(SPEC, x, y, sgd().seed(), 2, 8, 1e-3, 0.9);
    assertThat(EngineLoop.relativeError(bf16, reference)).isLessThan(1e-5);
    assertThat(EngineLoop.relativeError(bf16, float32)).isGreaterThan(1e-4);
  }

  @Test
  void fp16IsRefusedOnTheCpuNamingTheParam() {
    GradientStep fp16 = step(Precision.FP16);
    assertThatThrownBy(() -> fp16.train(partitions().get(0), new float[0], 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("precision fp16 needs a GPU, but this task computes on cpu");
  }

  @Test
  void withoutOverflowLossScalingChangesNothing() {
    LossScaler scaler = new LossScaler();
    float[] scaled =
        trainer(scaler)
            .fit(new LocalGradientSource(partitions(), step(Precision.FLOAT32)))
            .weights();
    float[] plain =
        trainer(null).fit(new LocalGradientSource(partitions(), step(Precision.FLOAT32))).weights();
    assertThat(scaled).containsExactly(plain);
    assertThat(scaler.scale()).isEqualTo(65536f);
    assertThat(scaler.growthTracker()).isEqualTo(16); // 2 epochs of 8 steps, none skipped
  }

  @Test
  void overflowSkipsTheStepBacksOffAndTrainingGoesOn() {
    LossScaler scaler = hugeScale();
    Recording source =
        new Recording(new LocalGradientSource(partitions(), step(Precision.FLOAT32)));
    float[] end = trainer(scaler).fit(source).weights();
    List<float[]> given = source.given;
    given.add(end);
    // Replay GradScaler's rule over which steps left the weights unchanged (skipped).
    float expected = 0x1p127f;
    int tracker = 0;
    int skipped = 0;
    int firstApplied = -1;
    for (int s = 0; s + 1 < given.size(); s++) {
      boolean skip = java.util.Arrays.equals(given.get(s), given.get(s + 1));
      if (skip) {
        skipped++;
        expected *= 0.5f;
        tracker = 0;
      } else {
        firstApplied = firstApplied < 0 ? s : firstApplied;
        if (++tracker == 3) {
          expected *= 2;
          tracker = 0;
        }
      }
    }
    assertThat(skipped).isGreaterThanOrEqualTo(2);
    assertThat(firstApplied).isGreaterThan(0); // the first step overflowed and was skipped
    assertThat(given.size() - 1 - skipped).isGreaterThanOrEqualTo(8); // then it trained
    assertThat(scaler.scale()).isEqualTo(expected).isLessThan(0x1p127f);
    assertThat(scaler.growthTracker()).isEqualTo(tracker);
    assertThat(EngineLoop.relativeError(end, given.get(0))).isGreaterThan(1e-3);
  }

  @Test
  void resumingFromAnyCheckpointGivesTheIdenticalModel() {
    FileCheckpoints all = new FileCheckpoints(null);
    LossScaler whole = hugeScale();
    float[] uninterrupted =
        trainer(whole)
            .withCheckpoints(all)
            .fit(new LocalGradientSource(partitions(), step(Precision.FLOAT32)))
            .weights();
    assertThat(all.saved).hasSize(16); // after each of 7 mid-epoch steps, and the end, of 2 epochs
    for (int k = 0; k < all.saved.size(); k++) {
      LossScaler resumedScaler = hugeScale();
      float[] resumed =
          trainer(resumedScaler)
              .withCheckpoints(new FileCheckpoints(all.saved.get(k)))
              .fit(new LocalGradientSource(partitions(), step(Precision.FLOAT32)))
              .weights();
      assertThat(resumed).as("resumed from checkpoint %d", k).containsExactly(uninterrupted);
      assertThat(resumedScaler.scale()).isEqualTo(whole.scale());
      assertThat(resumedScaler.growthTracker()).isEqualTo(whole.growthTracker());
    }
  }
}
