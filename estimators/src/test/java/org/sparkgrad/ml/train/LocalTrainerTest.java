package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.data.BlockBuilder;
import org.sparkgrad.ml.data.DataBlock;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.support.EngineLoop;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.nn.loss.Reduction;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * The Spark-free trainer on partitions held in memory: the same rows split any way train the same
 * weights as one plain engine loop over the same global minibatches.
 */
class LocalTrainerTest {
  private static final int N = 61;
  private static final int D = 5;

  private final float[][] x = new float[N][D];
  private final float[] y = new float[N];

  LocalTrainerTest() {
    Generator g = new Generator(11);
    for (int i = 0; i < N; i++) {
      y[i] = i % 3;
      for (int j = 0; j < D; j++) {
        x[i][j] = (float) (g.nextGaussian() + (j == i % 3 ? 1.5 : 0));
      }
    }
  }

  /** The rows split at {@code cuts} into partitions, in a shuffled order, with row ids. */
  private List<PartitionData> partitions(float[] weights, int... cuts) {
    int[] order = new Generator(cuts.length).permutation(N);
    List<PartitionData> parts = new ArrayList<>();
    int from = 0;
    for (int p = 0; p <= cuts.length; p++) {
      int to = p < cuts.length ? cuts[p] : N;
      BlockBuilder b = new BlockBuilder(D, 1, weights != null);
      for (int k = from; k < to; k++) {
        int i = order[k];
        b.add(x[i], new float[] {y[i]}, weights == null ? 1f : weights[i]);
      }
      parts.add(new PartitionData(p, b.build(), new BlockBuilder(D, 1, weights != null).build()));
      from = to;
    }
    return RowIds.assign(parts);
  }

  private static TrainingConfig sgd(int epochs, int batch, double lr) {
    return new TrainingConfig(
        "sgd", lr, 0.9, 0, "constant", 1, 1, 0, 0, batch, epochs, 5, true, false, 0);
  }

  private static float[] fit(
      NetworkSpec spec, TrainingConfig c, List<PartitionData> parts, long rows) {
    GradientStep step =
        new GradientStep(spec, Objective.CROSS_ENTROPY, c.seed(), rows, c.batchSize(), true, "cpu");
    Trainer t = new Trainer(c, spec, Objective.CROSS_ENTROPY, rows, false, null);
    return t.fit(new LocalGradientSource(parts, step)).weights();
  }

  @Test
  void anyPartitioningTrainsWhatTheEngineLoopTrains() {
    NetworkSpec spec = NetworkSpec.simple(D, new int[] {7}, "tanh", 0, 3);
    TrainingConfig c = sgd(3, 8, 0.1);
    float[] one = fit(spec, c, partitions(null), N);
    float[] three = fit(spec, c, partitions(null, 10, 40), N);
    float[] reference = EngineLoop.train(spec, x, y, c.seed(), 3, 8, 0.1, 0.9);
    float[] initial = Replica.flatWeights(spec.build(c.seed()));
    assertThat(EngineLoop.relativeError(one, initial)).isGreaterThan(0.05);
    assertThat(EngineLoop.relativeError(one, reference)).isLessThan(1e-5);
    assertThat(EngineLoop.relativeError(three, reference)).isLessThan(1e-5);
  }

  @Test
  void dropoutMasksFollowRowsNotPartitions() {
    NetworkSpec spec = NetworkSpec.simple(D, new int[] {16}, "relu", 0.3, 3);
    TrainingConfig c = sgd(2, 10, 0.1);
    float[] one = fit(spec, c, partitions(null), N);
    float[] four = fit(spec, c, partitions(null, 5, 6, 30), N);
    float[] reference = EngineLoop.train(spec, x, y, c.seed(), 2, 10, 0.1, 0.9);
    float[] noDropout =
        EngineLoop.train(
            NetworkSpec.simple(D, new int[] {16}, "relu", 0, 3), x, y, c.seed(), 2, 10, 0.1, 0.9);
    assertThat(EngineLoop.relativeError(reference, noDropout)).isGreaterThan(1e-3);
    assertThat(EngineLoop.relativeError(one, reference)).isLessThan(1e-5);
    assertThat(EngineLoop.relativeError(four, reference)).isLessThan(1e-5);
  }

  @Test
  void weightedRowsGiveTheWeightedMeanGradient() {
    float[] w = new float[N];
    for (int i = 0; i < N; i++) {
      w[i] = (i % 4) * 0.5f;
    }
    NetworkSpec spec = NetworkSpec.simple(D, new int[] {4}, "relu", 0, 3);
    // One step over all rows with plain SGD at lr 1: the weights move by minus the gradient.
    TrainingConfig c =
        new TrainingConfig("sgd", 1, 0, 0, "constant", 1, 1, 0, 0, N, 1, 9, true, false, 0);
    float[] after = fit(spec, c, partitions(w, 20), N);
    Sequential net = spec.build(9);
    float[] xs = new float[N * D];
    long[] ys = new long[N];
    for (int i = 0; i < N; i++) {
      System.arraycopy(x[i], 0, xs, i * D, D);
      ys[i] = (long) y[i];
    }
    Tensor perRow =
        new CrossEntropyLoss(Reduction.NONE)
            .forward(net.forward(Tensor.of(xs, N, D)), Tensor.ofLongs(ys, N));
    Tensor wt = Tensor.of(w, N);
    perRow.mul(wt).sum().div(wt.sum()).backward();
    float[] before = Replica.flatWeights(spec.build(9));
    int off = 0;
    for (Tensor p : net.parameters()) {
      float[] g = p.grad().toFloatArray();
      for (int i = 0; i < g.length; i++) {
        assertThat(after[off + i]).isCloseTo(before[off + i] - g[i], within(1e-6f));
      }
      off += g.length;
    }
  }

  private static org.assertj.core.data.Offset<Float> within(float v) {
    return org.assertj.core.data.Offset.offset(v);
  }

  @Test
  void theEpochSummaryAndListenerSeeEveryEpoch() {
    NetworkSpec spec = NetworkSpec.simple(D, new int[] {6}, "relu", 0, 3);
    TrainingConfig c = sgd(4, 16, 0.05);
    List<EpochStats> seen = new ArrayList<>();
    GradientStep step =
        new GradientStep(spec, Objective.CROSS_ENTROPY, c.seed(), N, 16, true, "cpu");
    Trainer t = new Trainer(c, spec, Objective.CROSS_ENTROPY, N, false, seen::add);
    Trainer.Result r = t.fit(new LocalGradientSource(partitions(null, 30), step));
    assertThat(seen).hasSize(4);
    assertThat(r.summary().epochs()).isEqualTo(seen);
    assertThat(seen.get(0).epoch()).isEqualTo(1);
    assertThat(seen.get(3).maxEpochs()).isEqualTo(4);
    assertThat(r.summary().steps()).containsExactly(4, 4, 4, 4);
    assertThat(r.summary().totalSteps()).isEqualTo(16);
    assertThat(seen.get(0).samples()).isEqualTo(N);
    assertThat(r.summary().trainLoss()[3]).isLessThan(r.summary().trainLoss()[0]);
    assertThat(seen.get(0).trainMetric()).isBetween(0.0, 1.0);
    assertThat(seen.get(0).hasValidation()).isFalse();
    assertThat(r.summary().earlyStopped()).isFalse();
    assertThat(r.summary().bestEpoch()).isEqualTo(4);
    assertThat(seen.get(0).toString())
        .startsWith("epoch 1/4: loss ")
        .contains(", accuracy ", ", lr 0.05000, 4 steps, ", " samples/s");
  }

  @Test
  void dropLastSkipsTheShortMinibatch() {
    NetworkSpec spec = NetworkSpec.simple(D, new int[0], "relu", 0, 3);
    TrainingConfig c =
        new TrainingConfig("sgd", 0.1, 0, 0, "constant", 1, 1, 0, 0, 20, 1, 5, true, true, 0);
    GradientStep step = new GradientStep(spec, Objective.CROSS_ENTROPY, 5, N, 20, true, "cpu");
    Trainer.Result r =
        new Trainer(c, spec, Objective.CROSS_ENTROPY, N, false, null)
            .fit(new LocalGradientSource(partitions(null, 31), step));
    assertThat(r.summary().steps()).containsExactly(3);
    assertThat(r.summary().epochs().get(0).samples()).isEqualTo(60);
  }

  @Test
  void aDivergingFitNamesEpochAndStep() {
    NetworkSpec spec = NetworkSpec.simple(D, new int[] {8}, "relu", 0, 1);
    float[] big = new float[N];
    for (int i = 0; i < N; i++) {
      big[i] = 1e6f * (i % 7);
    }
    BlockBuilder b = new BlockBuilder(D, 1, false);
    for (int i = 0; i < N; i++) {
      b.add(x[i], new float[] {big[i]}, 1f);
    }
    List<PartitionData> parts =
        RowIds.assign(
            List.of(new PartitionData(0, b.build(), new BlockBuilder(D, 1, false).build())));
    TrainingConfig c =
        new TrainingConfig("sgd", 10, 0, 0, "constant", 1, 1, 0, 0, 8, 5, 1, true, false, 0);
    GradientStep step = new GradientStep(spec, Objective.MSE, 1, N, 8, true, "cpu");
    Trainer t = new Trainer(c, spec, Objective.MSE, N, false, null);
    assertThatThrownBy(() -> t.fit(new LocalGradientSource(parts, step)))
        .isInstanceOf(TrainingDivergedException.class)
        .hasMessageMatching(
            "training diverged: the loss became (NaN|Infinity) at epoch 1/5, step \\d/8; try a"
                + " lower learningRate \\(it was 10.0\\) or set gradClipNorm")
        .satisfies(e -> assertThat(((TrainingDivergedException) e).epoch()).isEqualTo(1));
  }

  @Test
  void validationRowsAreScoredNotTrained() {
    NetworkSpec spec = NetworkSpec.simple(D, new int[] {6}, "relu", 0, 3);
    BlockBuilder train = new BlockBuilder(D, 1, false);
    BlockBuilder val = new BlockBuilder(D, 1, false);
    for (int i = 0; i < N; i++) {
      (i % 5 == 0 ? val : train).add(x[i], new float[] {y[i]}, 1f);
    }
    DataBlock v = val.build();
    List<PartitionData> parts = RowIds.assign(List.of(new PartitionData(0, train.build(), v)));
    TrainingConfig c = sgd(2, 16, 0.05);
    GradientStep step =
        new GradientStep(spec, Objective.CROSS_ENTROPY, c.seed(), N - v.rows(), 16, true, "cpu");
    Trainer.Result r =
        new Trainer(c, spec, Objective.CROSS_ENTROPY, N - v.rows(), true, null)
            .fit(new LocalGradientSource(parts, step));
    EpochStats last = r.summary().epochs().get(1);
    assertThat(last.samples()).isEqualTo(N - v.rows());
    // The validation figures are those of the final weights on the validation rows.
    StepResult check = step.evaluate(v, r.weights());
    assertThat(last.validationLoss()).isEqualTo(check.lossSum() / v.rows());
    assertThat(last.validationMetric()).isEqualTo(check.metricSum() / v.rows());
    assertThat(last.validationMetric()).isBetween(0.0, 1.0);
  }
}
