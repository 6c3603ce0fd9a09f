package org.sparkgrad.ml.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkgrad.ml.data.BlockBuilder;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.support.LogCapture;
import org.sparkgrad.ml.train.Amortisation;
import org.sparkgrad.ml.train.GradientStep;
import org.sparkgrad.ml.train.LocalGradientSource;
import org.sparkgrad.ml.train.LocalStepsResult;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Objective;
import org.sparkgrad.ml.train.OptimizerSnapshot;
import org.sparkgrad.ml.train.RowIds;
import org.sparkgrad.ml.train.RunFingerprint;
import org.sparkgrad.ml.train.StepResult;
import org.sparkgrad.ml.train.Trainer;
import org.sparkgrad.ml.train.TrainingConfig;
import org.sparkgrad.tensor.Generator;

/**
 * Resuming the Spark-free trainer from checkpoints in a local folder: mid-epoch and at epoch ends
 * it ends with exactly the weights and history of an uninterrupted fit; a damaged newest checkpoint
 * is skipped with a warning; another run's checkpoint fails naming the difference unless told to
 * start over.
 */
class CheckpointResumeTest {
  private static final int N = 61;
  private static final int D = 5;
  private static final NetworkSpec SPEC = NetworkSpec.simple(D, new int[] {7}, "tanh", 0.2, 3);

  @TempDir Path tmp;

  private final List<PartitionData> parts = new ArrayList<>();

  CheckpointResumeTest() {
    Generator g = new Generator(11);
    int[] cuts = {0, 20, 45, N};
    for (int p = 0; p < 3; p++) {
      BlockBuilder train = new BlockBuilder(D, 1, false);
      BlockBuilder val = new BlockBuilder(D, 1, false);
      for (int i = cuts[p]; i < cuts[p + 1]; i++) {
        float[] x = new float[D];
        for (int j = 0; j < D; j++) {
          x[j] = (float) (g.nextGaussian() + (j == i % 3 ? 1.0 : 0));
        }
        (i % 5 == 0 ? val : train).add(x, new float[] {i % 3}, 1f);
      }
      parts.add(new PartitionData(p, train.build(), val.build()));
    }
    List<PartitionData> assigned = RowIds.assign(parts);
    parts.clear();
    parts.addAll(assigned);
  }

  private long trainRows() {
    return parts.stream().mapToLong(p -> p.train().rows()).sum();
  }

  private long validationRows() {
    return parts.stream().mapToLong(p -> p.validation().rows()).sum();
  }

  private static TrainingConfig config(int epochs, int batch, String schedule, int patience) {
    return new TrainingConfig(
        "adam", 0.05, 0, 0, schedule, 1, 1, 2, 0, batch, epochs, 5, true, false, patience);
  }

  private Checkpointing checkpointing(TrainingConfig c, String unit, int interval, boolean over) {
    return Checkpointing.open(
        new CheckpointStore(new org.apache.hadoop.fs.Path(tmp.toUri()), new Configuration()),
        SPEC,
        RunFingerprint.of(
            c, SPEC, Objective.CROSS_ENTROPY, trainRows(), validationRows(), null, null),
        new Checkpointing.Settings(interval, unit, 3, over),
        c.maxEpochs());
  }

  /** A source that fails like a killed driver once {@code limit} steps have run. */
  private Trainer.GradientSource source(TrainingConfig c, int limit) {
    GradientStep step =
        new GradientStep(
            SPEC, Objective.CROSS_ENTROPY, c.seed(), trainRows(), c.batchSize(), true, "cpu");
    LocalGradientSource inner = new LocalGradientSource(parts, step);
    int[] calls = {0};
    return new Trainer.GradientSource() {
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
  }

  private Trainer trainer(TrainingConfig c) {
    return new Trainer(c, SPEC, Objective.CROSS_ENTROPY, trainRows(), true, null);
  }

  private Trainer.Result fit(TrainingConfig c, Checkpointing ck, int limit) {
    try (Checkpointing closing = ck) {
      return trainer(c).withCheckpoints(closing).fit(source(c, limit));
    }
  }

  private void assertSameFit(Trainer.Result a, Trainer.Result b) {
    assertThat(a.weights()).containsExactly(b.weights());
    assertThat(a.summary().trainLoss()).containsExactly(b.summary().trainLoss());
    assertThat(a.summary().validationLoss()).containsExactly(b.summary().validationLoss());
    assertThat(a.summary().learningRate()).containsExactly(b.summary().learningRate());
    assertThat(a.summary().bestEpoch()).isEqualTo(b.summary().bestEpoch());
    assertThat(a.summary().earlyStopped()).isEqualTo(b.summary().earlyStopped());
  }

  @Test
  void aFitAbortedInMidEpochResumesToTheUninterruptedModel() throws IOException {
    TrainingConfig c = config(4, 8, "cosine", 0);
    Trainer.Result reference = fit(c, null, Integer.MAX_VALUE);
    assertThatThrownBy(() -> fit(c, checkpointing(c, "step", 5, false), 13)).hasMessage("killed");
    Checkpointing resume = checkpointing(c, "step", 5, false);
    Trainer.Result resumed;
    try (LogCapture log = LogCapture.of(Checkpointing.class)) {
      resumed = fit(c, resume, Integer.MAX_VALUE);
      assertThat(log.lines(Level.INFO))
          .anyMatch(l -> l.contains("resuming from checkpoint") && l.contains("ckpt-000000000010"));
    }
    // 6 steps per epoch (48 rows, batch 8): checkpoints after steps 5 and 10 (epoch 2, step 4)
    // before the abort in step 14.
    assertThat(resume.resumedFrom().globalStep()).isEqualTo(10);
    assertSameFit(resumed, reference);
    assertThat(resumed.summary().totalEpochs()).isEqualTo(4);
    // keep 3: the newest three remain, the last one written at the end of the fit.
    assertThat(stepsInFolder()).containsExactly(24L, 20L, 15L);
  }

  /** A local-steps source that fails like a killed driver once {@code limit} rounds have run. */
  private Trainer.LocalStepsSource localSource(TrainingConfig c, int limit) {
    GradientStep step =
        new GradientStep(
            SPEC, Objective.CROSS_ENTROPY, c.seed(), trainRows(), c.batchSize(), true, "cpu");
    LocalGradientSource inner = new LocalGradientSource(parts, step);
    int[] rounds = {0};
    return new Trainer.LocalStepsSource() {
      @Override
      public StepResult step(
          float[] w, float[] b, int epoch, int s, int stepsPerEpoch, int maxEpochs) {
        throw new AssertionError("a local-steps fit takes no synchronous step");
      }

      @Override
      public LocalStepsResult localSteps(
          TrainingConfig config,
          float[] weights,
          OptimizerSnapshot state,
          int epoch,
          int firstStep,
          double[] lrs,
          int stepsPerEpoch,
          int maxEpochs) {
        if (++rounds[0] > limit) {
          throw new IllegalStateException("killed");
        }
        return inner.localSteps(
            config, weights, state, epoch, firstStep, lrs, stepsPerEpoch, maxEpochs);
      }

      @Override
      public StepResult validate(float[] weights, float[] buffers) {
        return inner.validate(weights, buffers);
      }
    };
  }

  private Trainer.Result localFit(TrainingConfig c, Checkpointing ck, int limit) {
    try (Checkpointing closing = ck) {
      return new Trainer(
              c, SPEC, Objective.CROSS_ENTROPY, trainRows(), true, null, new Amortisation(1, 4))
          .withCheckpoints(closing)
          .fit(localSource(c, limit));
    }
  }

  @Test
  void aLocalStepsFitResumesFromTheEndOfARoundInMidEpoch() {
    TrainingConfig c = config(3, 8, "constant", 0);
    Trainer.Result reference = localFit(c, null, Integer.MAX_VALUE);
    // 6 steps per epoch in rounds of 4 and 2 steps; a step checkpoint every 3 steps can only be
    // written where a round ends: after global steps 4 and 10 (epoch 2, step 4). Killed in the
    // fourth round.
    assertThatThrownBy(() -> localFit(c, checkpointing(c, "step", 3, false), 3))
        .hasMessage("killed");
    Checkpointing resume = checkpointing(c, "step", 3, false);
    Trainer.Result resumed = localFit(c, resume, Integer.MAX_VALUE);
    assertThat(resume.resumedFrom().globalStep()).isEqualTo(10);
    assertSameFit(resumed, reference);
  }

  @Test
  void earlyStoppingStateSurvivesAResume() {
    TrainingConfig c =
        new TrainingConfig("sgd", 1.5, 0.9, 0, "constant", 1, 1, 0, 0, 8, 30, 5, true, false, 2);
    Trainer.Result reference = fit(c, null, Integer.MAX_VALUE);
    assertThat(reference.summary().earlyStopped()).isTrue();
    int stopAt = reference.summary().totalEpochs();
    // Abort in the epoch after the best one, so the checkpoint holds separate best weights.
    int limit = (reference.summary().bestEpoch() + 1) * 6 + 2;
    assertThat(limit).isLessThan(stopAt * 6);
    assertThatThrownBy(() -> fit(c, checkpointing(c, "epoch", 1, false), limit))
        .hasMessage("killed");
    Trainer.Result resumed = fit(c, checkpointing(c, "epoch", 1, false), Integer.MAX_VALUE);
    assertSameFit(resumed, reference);
  }

  @Test
  void aCompletedFitExtendedToMoreEpochsEqualsTheLongerFit() {
    TrainingConfig two = config(2, 8, "step", 0);
    TrainingConfig five = config(5, 8, "step", 0);
    Trainer.Result reference = fit(five, null, Integer.MAX_VALUE);
    fit(two, checkpointing(two, "epoch", 1, false), Integer.MAX_VALUE);
    assertSameFit(fit(five, checkpointing(five, "epoch", 1, false), Integer.MAX_VALUE), reference);
  }

  @Test
  void aCosineScheduleCannotBeExtended() {
    TrainingConfig two = config(2, 8, "cosine", 0);
    TrainingConfig five = config(5, 8, "cosine", 0);
    fit(two, checkpointing(two, "epoch", 1, false), Integer.MAX_VALUE);
    assertThatThrownBy(() -> fit(five, checkpointing(five, "epoch", 1, false), Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is for maxEpochs 2, this fit has maxEpochs 5");
  }

  @ParameterizedTest
  @ValueSource(strings = {"changed", "truncated", "missing"})
  void aDamagedNewestCheckpointIsSkippedWithAWarning(String damage) throws IOException {
    TrainingConfig c = config(3, 8, "constant", 0);
    Trainer.Result reference = fit(c, null, Integer.MAX_VALUE);
    fit(c, checkpointing(c, "epoch", 1, false), Integer.MAX_VALUE);
    assertThat(stepsInFolder()).containsExactly(18L, 12L, 6L);
    damage(CheckpointStore.name(18) + "/weights.safetensors", damage);
    Checkpointing resume = checkpointing(c, "epoch", 1, false);
    Trainer.Result resumed;
    try (LogCapture log = LogCapture.of(Checkpointing.class)) {
      resumed = fit(c, resume, Integer.MAX_VALUE);
      assertThat(log.lines(Level.WARN))
          .singleElement()
          .asString()
          .contains("skipping damaged checkpoint", "ckpt-000000000018", "weights.safetensors");
    }
    String why =
        switch (damage) {
          case "changed" -> "does not match its SHA-256";
          case "truncated" -> "bytes, the manifest says";
          default -> "weights.safetensors is missing";
        };
    assertThat(resume.skipped()).singleElement().asString().contains(why);
    assertThat(resume.resumedFrom().globalStep()).isEqualTo(12);
    assertSameFit(resumed, reference);
    assertThat(stepsInFolder()).containsExactly(18L, 12L, 6L);
  }

  @Test
  void anotherRunsCheckpointFailsNamingTheDifferenceUnlessToldToStartOver() throws IOException {
    TrainingConfig b8 = config(2, 8, "constant", 0);
    TrainingConfig b16 = config(2, 16, "constant", 0);
    fit(b8, checkpointing(b8, "epoch", 1, false), Integer.MAX_VALUE);
    assertThatThrownBy(() -> fit(b16, checkpointing(b16, "epoch", 1, false), Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ckpt-000000000012 is for batchSize 8, this fit has batchSize 16")
        .hasMessageContaining("use a new checkpointDir, or set checkpointOverwrite");
    Trainer.Result fresh = fit(b16, null, Integer.MAX_VALUE);
    Checkpointing over = checkpointing(b16, "epoch", 1, true);
    assertSameFit(fit(b16, over, Integer.MAX_VALUE), fresh);
    assertThat(over.resumedFrom()).isNull();
    assertThat(stepsInFolder()).containsExactly(6L, 3L);
  }

  @Test
  void aFolderServesOneFitAtATime() {
    TrainingConfig c = config(1, 8, "constant", 0);
    try (Checkpointing first = checkpointing(c, "epoch", 1, false)) {
      assertThatThrownBy(() -> checkpointing(c, "epoch", 1, false))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is in use by another fit in this JVM");
    }
    checkpointing(c, "epoch", 1, false).close();
  }

  private List<Long> stepsInFolder() throws IOException {
    return new CheckpointStore(new org.apache.hadoop.fs.Path(tmp.toUri()), new Configuration())
        .list().stream().map(CheckpointStore.Entry::globalStep).toList();
  }

  /** Damages a file through the Hadoop file system (so its own .crc stays consistent). */
  private void damage(String file, String how) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(tmp.toUri().toString(), file);
    FileSystem fs = p.getFileSystem(new Configuration());
    byte[] bytes;
    try (var in = fs.open(p)) {
      bytes = in.readAllBytes();
    }
    if (how.equals("missing")) {
      fs.delete(p, false);
      return;
    }
    if (how.equals("changed")) {
      bytes[bytes.length - 3] ^= 0x40;
    } else {
      bytes = java.util.Arrays.copyOf(bytes, bytes.length - 10);
    }
    try (OutputStream out = fs.create(p, true)) {
      out.write(bytes);
    }
  }
}
