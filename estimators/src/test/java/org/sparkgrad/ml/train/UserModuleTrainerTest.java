package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.ResidualMlp;
import org.sparkgrad.ml.data.BlockBuilder;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.tensor.Generator;

/**
 * The trainer core over a user's own {@code Module} (a residual MLP written as the seed teaches),
 * with no Spark: rows held in memory as partitions, as MLlib tests {@code ml/ann} under its
 * estimator. The partitioning does not change the trained weights, and the loss falls.
 */
class UserModuleTrainerTest {
  private static final int N = 90;
  private static final int D = 4;

  private final float[][] x = new float[N][D];
  private final float[] y = new float[N];

  UserModuleTrainerTest() {
    Generator g = new Generator(3);
    for (int i = 0; i < N; i++) {
      y[i] = i % 3;
      for (int j = 0; j < D; j++) {
        x[i][j] = (float) (g.nextGaussian() + (j == i % 3 ? 2 : 0));
      }
    }
  }

  /** The rows, in a shuffled order, split at {@code cuts}, with their global row ids. */
  private List<PartitionData> partitions(int... cuts) {
    int[] order = new Generator(17).permutation(N);
    List<PartitionData> parts = new ArrayList<>();
    int from = 0;
    for (int p = 0; p <= cuts.length; p++) {
      int to = p < cuts.length ? cuts[p] : N;
      BlockBuilder b = new BlockBuilder(D, 1, false);
      for (int k = from; k < to; k++) {
        b.add(x[order[k]], new float[] {y[order[k]]}, 1f);
      }
      parts.add(new PartitionData(p, b.build(), new BlockBuilder(D, 1, false).build()));
      from = to;
    }
    return RowIds.assign(parts);
  }

  private static Trainer.Result fit(NetworkSpec spec, List<PartitionData> parts) {
    TrainingConfig c =
        new TrainingConfig("adam", 0.01, 0, 0, "constant", 1, 1, 0, 0, 16, 6, 5, true, false, 0);
    GradientStep step =
        new GradientStep(spec, Objective.CROSS_ENTROPY, c.seed(), N, c.batchSize(), true, "cpu");
    return new Trainer(c, spec, Objective.CROSS_ENTROPY, N, false, null)
        .fit(new LocalGradientSource(parts, step));
  }

  @Test
  void aUserModuleTrainsTheSameWeightsOnOneAndThreePartitions() {
    NetworkSpec spec =
        NetworkSpec.ofModule(UserModule.of(new ResidualMlp.Factory(), "moduleFactory"), null, D, 3);
    Trainer.Result one = fit(spec, partitions());
    Trainer.Result three = fit(spec, partitions(7, 50));

    float[] initial = Replica.flatWeights(spec.module(5));
    assertThat(one.weights()).hasSameSizeAs(initial).hasSize(4 * 16 + 16 + 2 * (16 * 16 + 16) + 51);
    double moved = 0;
    double apart = 0;
    for (int i = 0; i < initial.length; i++) {
      moved = Math.max(moved, Math.abs(one.weights()[i] - initial[i]));
      apart = Math.max(apart, Math.abs(one.weights()[i] - three.weights()[i]));
    }
    assertThat(moved).isGreaterThan(0.01);
    assertThat(apart).isLessThan(1e-6);

    double[] loss = one.summary().trainLoss();
    assertThat(loss).hasSize(6);
    assertThat(loss[5]).isLessThan(0.5 * loss[0]);
    assertThat(three.summary().trainLoss()[5])
        .isCloseTo(loss[5], org.assertj.core.data.Offset.offset(1e-6));
  }
}
