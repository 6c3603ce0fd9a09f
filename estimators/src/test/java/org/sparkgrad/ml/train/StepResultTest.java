package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The step channel's unsummed result: the partitions' float32 gradients, flat or one array per
 * parameter, summed in partition order in double and scaled in one pass, bit for bit what summing
 * first ({@link StepResult#merge}) and scaling after gives.
 */
class StepResultTest {
  private static final int[] SIZES = {12, 3, 7};
  private static final int TOTAL = 22;

  private static float[] random(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
    }
    return v;
  }

  private static float[][] split(float[] flat) {
    float[][] out = new float[SIZES.length][];
    int off = 0;
    for (int p = 0; p < SIZES.length; p++) {
      out[p] = new float[SIZES[p]];
      System.arraycopy(flat, off, out[p], 0, SIZES[p]);
      off += SIZES[p];
    }
    return out;
  }

  private static float[][] buffers() {
    float[][] out = new float[SIZES.length][];
    for (int p = 0; p < SIZES.length; p++) {
      out[p] = new float[SIZES[p]];
    }
    return out;
  }

  /** Partition q's gradient travels flat when q is odd, one array per parameter when even. */
  private static void check(int partitions) {
    Random r = new Random(partitions);
    float[][] flats = new float[partitions][];
    Object[] parts = new Object[partitions];
    StepResult merged = new StepResult();
    for (int q = 0; q < partitions; q++) {
      flats[q] = random(r, TOTAL);
      parts[q] = q % 2 == 1 ? flats[q] : split(flats[q]);
      merged.merge(StepResult.ofPartition(flats[q].clone(), 1, 2, 3, 4));
    }
    double scale = 1.0 / 37;
    float[][] out = buffers();
    StepResult unsummed = StepResult.ofUnsummed(parts, 1, 2, 3, 4);
    assertThat(unsummed.hasGrad()).isTrue();
    assertThat(unsummed.writeScaledInto(out, scale)).isTrue();
    double[] sums = merged.grad();
    int off = 0;
    for (int p = 0; p < SIZES.length; p++) {
      for (int i = 0; i < SIZES[p]; i++) {
        assertThat(out[p][i]).isEqualTo((float) (sums[off + i] * scale));
      }
      off += SIZES[p];
    }
    // and grad() sums the same parts to the same doubles
    assertThat(StepResult.ofUnsummed(parts, 0, 0, 0, 0).grad()).containsExactly(sums);
  }

  @Test
  void onePartitionIsScaledAsTheMergedSumIs() {
    check(1);
  }

  @Test
  void twoPartitionsAreSummedInDoubleAsTheMergedSumIs() {
    check(2);
  }

  @Test
  void manyPartitionsAreSummedInPartitionOrder() {
    check(5);
  }

  @Test
  void aNonFiniteValueIsReported() {
    float[] a = new float[TOTAL];
    float[] b = new float[TOTAL];
    b[15] = Float.MAX_VALUE;
    a[15] = Float.MAX_VALUE; // finite alone, infinite once summed and rounded to float
    assertThat(StepResult.ofUnsummed(new Object[] {a, b}, 0, 1, 0, 1).writeScaledInto(buffers(), 1))
        .isFalse();
    float[] nan = new float[TOTAL];
    nan[0] = Float.NaN;
    assertThat(
            StepResult.ofUnsummed(new Object[] {split(nan)}, 0, 1, 0, 1)
                .writeScaledInto(buffers(), 1))
        .isFalse();
    assertThat(StepResult.ofUnsummed(new Object[] {b}, 0, 1, 0, 1).writeScaledInto(buffers(), 1))
        .isTrue();
  }

  @Test
  void noPartsMeansNoGradient() {
    StepResult r = StepResult.ofUnsummed(new Object[0], 0, 0, 0, 0);
    assertThat(r.hasGrad()).isFalse();
    assertThat(r.grad()).isNull();
  }

  @Test
  void aGradientOfTheWrongSizeIsRefused() {
    assertThatThrownBy(
            () ->
                StepResult.ofUnsummed(new Object[] {new float[TOTAL + 1]}, 0, 1, 0, 1)
                    .writeScaledInto(buffers(), 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("23 values for 22 weights");
    float[][] wrong = split(new float[TOTAL]);
    wrong[1] = new float[4];
    assertThatThrownBy(
            () ->
                StepResult.ofUnsummed(new Object[] {wrong}, 0, 1, 0, 1)
                    .writeScaledInto(buffers(), 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("parameter 1");
  }

  @Test
  void mergingAnUnsummedResultSumsItFirst() {
    float[] a = random(new Random(9), TOTAL);
    float[] b = random(new Random(10), TOTAL);
    StepResult m =
        new StepResult().merge(StepResult.ofUnsummed(new Object[] {a, split(b)}, 1, 2, 3, 4));
    for (int i = 0; i < TOTAL; i++) {
      assertThat(m.grad()[i]).isEqualTo((double) a[i] + b[i]);
    }
    assertThat(m.weightSum()).isEqualTo(2);
  }
}
