package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.data.BlockBuilder;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.support.EngineLoop;
import org.sparkgrad.tensor.Generator;

/**
 * Gradient accumulation and local steps on partitions held in memory, against what each must equal:
 * accumulation of k micro-batches against one minibatch k times larger, local steps on one
 * partition against synchronous steps, and local steps on several partitions against the
 * row-weighted average of each partition trained alone.
 */
class AmortisationStepsTest {
  private static final int N = 61;
  private static final int D = 5;

  private final float[][] x = new float[N][D];
  private final float[] y = new float[N];

  AmortisationStepsTest() {
    Generator g = new Generator(21);
    for (int i = 0; i < N; i++) {
      y[i] = i % 3;
      for (int j = 0; j < D; j++) {
        x[i][j] = (float) (g.nextGaussian() + (j == i % 3 ? 1.5 : 0));
      }
    }
  }

  /** The rows split at {@code cuts} into partitions, with global row ids. */
  private List<PartitionData> partitions(int... cuts) {
    List<PartitionData> parts = new ArrayList<>();
    int from = 0;
    for (int p = 0; p <= cuts.length; p++) {
      int to = p < cuts.length ? cuts[p] : N;
      BlockBuilder b = new BlockBuilder(D, 1, false);
      for (int i = from; i < to; i++) {
        b.add(x[i], new float[] {y[i]}, 1f);
      }
      parts.add(new PartitionData(p, b.build(), new BlockBuilder(D, 1, false).build()));
      from = to;
    }
    return RowIds.assign(parts);
  }

  private static TrainingConfig adam(int epochs, int batch, double clip, int warmup) {
    return new TrainingConfig(
        "adam", 0.01, 0, 0, "cosine", 1, 1, warmup, clip, batch, epochs, 5, true, false, 0);
  }

  private static Trainer.Result fit(
      NetworkSpec spec, TrainingConfig c, List<PartitionData> parts, Amortisation par) {
    GradientStep step =
        new GradientStep(
            spec,
            Objective.CROSS_ENTROPY,
            c.seed(),
            N,
            c.batchSize(),
            true,
            "cpu",
            par.gradAccumulationSteps());
    Trainer t = new Trainer(c, spec, Objective.CROSS_ENTROPY, N, false, null, par);
    return t.fit(new LocalGradientSource(parts, step));
  }

  @Test
  void accumulatingKMicroBatchesEqualsOneMinibatchKTimesLarger() {
    NetworkSpec spec = NetworkSpec.simple(D, new int[] {8}, "relu", 0.2, 3);
    Trainer.Result accumulated =
        fit(spec, adam(3, 4, 0, 2), partitions(20, 41), new Amortisation(3, 1));
    Trainer.Result large = fit(spec, adam(3, 12, 0, 2), partitions(20, 41), Amortisation.NONE);
    Trainer.Result small = fit(spec, adam(3, 4, 0, 2), partitions(20, 41), Amortisation.NONE);
    assertThat(accumulated.summary().steps()).containsExactly(6, 6, 6); // ceil(61 / 12)
    assertThat(EngineLoop.relativeError(accumulated.weights(), large.weights())).isLessThan(1e-5);
    assertThat(EngineLoop.relativeError(small.weights(), large.weights())).isGreaterThan(1e-2);
    assertThat(accumulated.summary().trainLoss()[2])
        .isCloseTo(large.summary().trainLoss()[2], org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void localStepsOnOnePartitionAreExactlySynchronousSteps() {
    NetworkSpec spec = NetworkSpec.simple(D, new int[] {8}, "tanh", 0.2, 3);
    TrainingConfig c = adam(2, 8, 0.5, 3);
    Trainer.Result sync = fit(spec, c, partitions(), Amortisation.NONE);
    Trainer.Result local = fit(spec, c, partitions(), new Amortisation(1, 3));
    assertThat(local.weights()).containsExactly(sync.weights());
    assertThat(local.summary().steps()).containsExactly(8, 8);
    assertThat(local.summary().trainLoss()).containsExactly(sync.summary().trainLoss());
  }

  @Test
  void localStepsAverageThePartitionsWeightedByRows() {
    NetworkSpec spec = NetworkSpec.simple(D, new int[] {6}, "relu", 0, 3);
    // 2 minibatches of 31 rows (the second has 30) in 1 epoch: localSteps 2 is one round.
    TrainingConfig c = adam(1, 31, 0, 0);
    List<PartitionData> both = partitions(15);
    Trainer.Result avg = fit(spec, c, both, new Amortisation(1, 2));
    float[] a = fit(spec, c, List.of(both.get(0)), new Amortisation(1, 2)).weights();
    float[] b = fit(spec, c, List.of(both.get(1)), new Amortisation(1, 2)).weights();
    float[] sync = fit(spec, c, both, Amortisation.NONE).weights();
    float[] expected = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      expected[i] = (float) ((15.0 * a[i] + 46.0 * b[i]) / 61);
    }
    assertThat(avg.weights()).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(EngineLoop.relativeError(avg.weights(), sync)).isGreaterThan(1e-4);
    assertThat(avg.summary().epochs().get(0).samples()).isEqualTo(N);
  }

  @Test
  void localStepsAreDeterministic() {
    NetworkSpec spec = NetworkSpec.simple(D, new int[] {6}, "relu", 0.3, 3);
    TrainingConfig c = adam(2, 6, 0, 0);
    float[] first = fit(spec, c, partitions(10, 33), new Amortisation(2, 4)).weights();
    float[] second = fit(spec, c, partitions(10, 33), new Amortisation(2, 4)).weights();
    assertThat(first).containsExactly(second);
  }

  @Test
  void badValuesNameTheParam() {
    assertThatThrownBy(() -> new Amortisation(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gradAccumulationSteps must be >= 1, got 0");
    assertThatThrownBy(() -> new Amortisation(1, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("localSteps must be >= 1, got -2");
  }
}
