package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The step channel's unsummed result: the partitions' flat float32 gradients, summed in partition
 * order in double and scaled in one pass into one array per parameter, bit for bit what summing
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

  private static float[][] buffers() {
    float[][] out = new float[SIZES.length][];
    for (int p = 0; p < SIZES.length; p++) {
      out[p] = new float[SIZES[p]];
    }
    return out;
  }

  private static void check(int partitions) {
    Random r = new Random(partitions);
    float[][] flats = new float[partitions][];
    StepResult merged = new StepResult();
    for (int q = 0; q < partitions; q++) {
      flats[q] = random(r, TOTAL);
      merged.merge(StepResult.ofPartition(flats[q].clone(), 1, 2, 3, 4));
    }
    double scale = 1.0 / 37;
    float[][] out = buffers();
    StepResult unsummed = StepResult.ofUnsummed(flats, 1, 2, 3, 4);
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
    assertThat(StepResult.ofUnsummed(flats, 0, 0, 0, 0).grad()).containsExactly(sums);
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
    assertThat(
            StepResult.ofUnsummed(new float[][] {a, b}, 0, 1, 0, 1).writeScaledInto(buffers(), 1))
        .isFalse();
    float[] nan = new float[TOTAL];
    nan[0] = Float.NaN;
    assertThat(StepResult.ofUnsummed(new float[][] {nan}, 0, 1, 0, 1).writeScaledInto(buffers(), 1))
        .isFalse();
    assertThat(StepResult.ofUnsummed(new float[][] {b}, 0, 1, 0, 1).writeScaledInto(buffers(), 1))
        .isTrue();
  }

  @Test
  void noPartsMeansNoGradient() {
    StepResult r = StepResult.ofUnsummed(new float[0][], 0, 0, 0, 0);
    assertThat(r.hasGrad()).isFalse();
    assertThat(r.grad()).isNull();
  }

  @Test
  void aGradientOfTheWrongSizeIsRefused() {
    assertThatThrownBy(
            () ->
                StepResult.ofUnsummed(new float[][] {new float[TOTAL + 1]}, 0, 1, 0, 1)
                    .writeScaledInto(buffers(), 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("23 values for 22 weights");
    float[][] shortSecond = {new float[TOTAL], new float[TOTAL - 1]};
    assertThatThrownBy(
            () -> StepResult.ofUnsummed(shortSecond, 0, 1, 0, 1).writeScaledInto(buffers(), 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("21 values for at least 22 weights");
  }

  @Test
  void mergingAnUnsummedResultSumsItFirst() {
    float[] a = random(new Random(9), TOTAL);
    float[] b = random(new Random(10), TOTAL);
    StepResult m = new StepResult().merge(StepResult.ofUnsummed(new float[][] {a, b}, 1, 2, 3, 4));
    for (int i = 0; i < TOTAL; i++) {
      assertThat(m.grad()[i]).isEqualTo((double) a[i] + b[i]);
    }
    assertThat(m.weightSum()).isEqualTo(2);
  }

  @Test
  void aLonePartitionsNegativeZeroStaysNegative() {
    float[] a = {-0f, 1f};
    StepResult m = new StepResult().merge(StepResult.ofPartition(a, 1, 1, 1, 1));
    assertThat(Double.doubleToRawLongBits(m.grad()[0])).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(m.grad()[1]).isEqualTo(1.0);
  }
}
