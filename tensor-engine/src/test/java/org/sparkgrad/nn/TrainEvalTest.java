package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/** Dropout and BatchNorm1d in training and evaluation mode. */
class TrainEvalTest {

  @Test
  void dropoutZeroesAboutPOfTheElementsAndScalesTheRest() {
    Dropout d = new Dropout(0.3, 42L);
    int n = 200_000;
    float[] out = d.forward(Tensor.ones(n)).toFloatArray();
    int zeros = 0;
    for (float v : out) {
      if (v == 0) {
        zeros++;
      } else {
        assertThat(v).isEqualTo((float) (1 / 0.7));
      }
    }
    // The standard deviation of the fraction is sqrt(0.3 * 0.7 / n) ~ 0.001.
    assertThat(zeros / (double) n).isCloseTo(0.3, offset(0.005));
  }

  @Test
  void dropoutIsTheIdentityInEvalModeAndWithPZero() {
    Dropout d = new Dropout(0.5, 1L);
    Tensor x = Tensor.randn(new Generator(1), 4, 5);
    d.eval();
    assertThat(d.forward(x)).isSameAs(x);
    d.train();
    assertThat(d.forward(x).toFloatArray()).isNotEqualTo(x.toFloatArray());
    assertThat(new Dropout(0.0, 1L).forward(x)).isSameAs(x);
    assertThat(F.dropout(x, 0.5, false, new Generator(1))).isSameAs(x);
  }

  @Test
  void dropoutMasksFollowTheGenerator() {
    Tensor x = Tensor.ones(1000);
    float[] a = new Dropout(0.5, 9L).forward(x).toFloatArray();
    float[] b = new Dropout(0.5, 9L).forward(x).toFloatArray();
    float[] c = new Dropout(0.5, 10L).forward(x).toFloatArray();
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
    Dropout d = new Dropout(0.5, 10L);
    d.setGenerator(new Generator(9));
    assertThat(d.forward(x).toFloatArray()).isEqualTo(a);
    // A second call draws a new mask.
    assertThat(d.forward(x).toFloatArray()).isNotEqualTo(a);
  }

  @Test
  void dropoutRejectsProbabilitiesOutsideZeroToOne() {
    for (double p : new double[] {-0.1, 1.0, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> new Dropout(p))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[0, 1)")
          .hasMessageContaining(Double.toString(p));
    }
  }

  private static final double[][] BATCH1 = {{1, 2, -1}, {3, 0, 5}, {-2, 4, 2}, {6, 1, 0}};
  private static final double[][] BATCH2 = {{0, 3, 1}, {2, -1, 4}, {5, 2, -3}};

  private static Tensor tensor(double[][] rows) {
    double[] flat = new double[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
    }
    return Tensor.of(flat, rows.length, rows[0].length).to(DType.FLOAT32);
  }

  private static double mean(double[][] b, int c) {
    double s = 0;
    for (double[] row : b) {
      s += row[c];
    }
    return s / b.length;
  }

  private static double unbiasedVar(double[][] b, int c) {
    double m = mean(b, c);
    double s = 0;
    for (double[] row : b) {
      s += (row[c] - m) * (row[c] - m);
    }
    return s / (b.length - 1);
  }

  @Test
  void batchNormRunningStatsAfterTwoStepsMatchHandComputedValues() {
    BatchNorm1d bn = new BatchNorm1d(3);
    bn.forward(tensor(BATCH1));
    Tensor out2 = bn.forward(tensor(BATCH2));
    float[] rm = bn.getBuffer("running_mean").toFloatArray();
    float[] rv = bn.getBuffer("running_var").toFloatArray();
    for (int c = 0; c < 3; c++) {
      double m1 = 0.9 * 0 + 0.1 * mean(BATCH1, c);
      double v1 = 0.9 * 1 + 0.1 * unbiasedVar(BATCH1, c);
      assertThat((double) rm[c]).isCloseTo(0.9 * m1 + 0.1 * mean(BATCH2, c), offset(1e-6));
      assertThat((double) rv[c]).isCloseTo(0.9 * v1 + 0.1 * unbiasedVar(BATCH2, c), offset(1e-5));
    }
    assertThat(bn.getBuffer("num_batches_tracked").dtype()).isEqualTo(DType.INT64);
    assertThat(bn.getBuffer("num_batches_tracked").item()).isEqualTo(2.0);
    // Training normalises with the batch's biased variance.
    float[] y = out2.toFloatArray();
    for (int c = 0; c < 3; c++) {
      double biased = unbiasedVar(BATCH2, c) * 2 / 3;
      for (int i = 0; i < 3; i++) {
        double expected = (BATCH2[i][c] - mean(BATCH2, c)) / Math.sqrt(biased + 1e-5);
        assertThat((double) y[i * 3 + c]).isCloseTo(expected, offset(1e-5));
      }
    }
    // Evaluation normalises with the running statistics and leaves them alone.
    bn.eval();
    float[] e = bn.forward(tensor(BATCH1)).toFloatArray();
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < 4; i++) {
        double expected = (BATCH1[i][c] - rm[c]) / Math.sqrt(rv[c] + 1e-5);
        assertThat((double) e[i * 3 + c]).isCloseTo(expected, offset(1e-5));
      }
    }
    assertThat(bn.getBuffer("running_mean").toFloatArray()).isEqualTo(rm);
    assertThat(bn.getBuffer("num_batches_tracked").item()).isEqualTo(2.0);
  }

  @Test
  void batchNormWithCumulativeMomentumAveragesTheBatches() {
    BatchNorm1d bn = new BatchNorm1d(3, 1e-5, null, true, true);
    bn.forward(tensor(BATCH1));
    bn.forward(tensor(BATCH2));
    float[] rm = bn.getBuffer("running_mean").toFloatArray();
    float[] rv = bn.getBuffer("running_var").toFloatArray();
    for (int c = 0; c < 3; c++) {
      assertThat((double) rm[c]).isCloseTo((mean(BATCH1, c) + mean(BATCH2, c)) / 2, offset(1e-6));
      assertThat((double) rv[c])
          .isCloseTo((unbiasedVar(BATCH1, c) + unbiasedVar(BATCH2, c)) / 2, offset(1e-5));
    }
  }

  @Test
  void batchNormWithoutRunningStatsUsesBatchStatisticsInEvalMode() {
    BatchNorm1d bn = new BatchNorm1d(3, 1e-5, 0.1, false, false);
    assertThat(bn.stateDict()).isEmpty();
    assertThat(bn.parameters()).isEmpty();
    bn.eval();
    float[] y = bn.forward(tensor(BATCH1)).toFloatArray();
    double biased = unbiasedVar(BATCH1, 0) * 3 / 4;
    assertThat((double) y[0])
        .isCloseTo((1 - mean(BATCH1, 0)) / Math.sqrt(biased + 1e-5), offset(1e-5));
  }

  @Test
  void batchNormNeedsMoreThanOneValuePerChannelWhenTraining() {
    BatchNorm1d bn = new BatchNorm1d(3);
    assertThatThrownBy(() -> bn.forward(Tensor.ones(1, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more than 1 value per channel")
        .hasMessageContaining("[1, 3]");
    assertThat(bn.getBuffer("num_batches_tracked").item()).isEqualTo(0.0);
    bn.eval();
    assertThat(bn.forward(Tensor.ones(1, 3)).shape()).containsExactly(1, 3);
  }

  @Test
  void trainAndEvalAreRecursive() {
    Sequential inner = new Sequential(new Dropout(0.5), new BatchNorm1d(2));
    Sequential outer = new Sequential(new Linear(2, 2, 0L), inner);
    assertThat(outer.isTraining()).isTrue();
    outer.eval();
    assertThat(outer.isTraining()).isFalse();
    assertThat(inner.get(0).isTraining()).isFalse();
    assertThat(inner.get(1).isTraining()).isFalse();
    outer.train();
    assertThat(inner.get(1).isTraining()).isTrue();
  }
}
