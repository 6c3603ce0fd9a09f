package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A gradient's one form: float32 parts, one flat array per partition, kept in the order they were
 * merged (partition order) and summed once, in double, left to right, and rounded once with the
 * scaling, into one array per parameter; the same whether the parts came from merged partition
 * results (the jobs transport, the local source) or the step channel's gather.
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

  private static float[] written(StepResult r, double scale, int... sizes) {
    float[][] out = new float[sizes.length][];
    int total = 0;
    for (int p = 0; p < sizes.length; p++) {
      out[p] = new float[sizes[p]];
      total += sizes[p];
    }
    r.writeScaledInto(out, scale);
    float[] flat = new float[total];
    int off = 0;
    for (float[] g : out) {
      System.arraycopy(g, 0, flat, off, g.length);
      off += g.length;
    }
    return flat;
  }

  private static void check(int partitions) {
    Random r = new Random(partitions);
    float[][] flats = new float[partitions][];
    StepResult merged = new StepResult();
    for (int q = 0; q < partitions; q++) {
      flats[q] = random(r, TOTAL);
      merged.merge(StepResult.ofPartition(flats[q], 1, 2, 3, 4));
    }
    double scale = 1.0 / 37;
    float[] viaMerge = written(merged, scale, SIZES);
    float[] viaGather = written(StepResult.ofUnsummed(flats, 1, 2, 3, 4), scale, SIZES);
    for (int i = 0; i < TOTAL; i++) {
      double sum = flats[0][i];
      for (int q = 1; q < partitions; q++) {
        sum += flats[q][i];
      }
      assertThat(viaMerge[i]).as("value %d", i).isEqualTo((float) (sum * scale));
      assertThat(merged.grad()[i]).isEqualTo(sum);
    }
    assertThat(viaGather).containsExactly(viaMerge);
    assertThat(merged.weightSum()).isEqualTo(2.0 * partitions);
    assertThat(merged.count()).isEqualTo(4L * partitions);
  }

  @Test
  void onePartitionIsScaledAndRoundedOnce() {
    check(1);
  }

  @Test
  void twoPartitionsAreSummedInDouble() {
    check(2);
  }

  @Test
  void manyPartitionsAreSummedLeftToRightInDouble() {
    check(5);
  }

  @Test
  void partsAreSummedInTheOrderTheyWereMergedLeftToRightInDouble() {
    float big = (float) Math.scalb(1.0, 60);
    float tiny = (float) Math.scalb(1.0, -30);
    // value 0: ((2^60 + 1) - 2^60) + 1 = 1 left to right (2^60 absorbs the first 1); pairwise,
    // (2^60 + 1) + (-2^60 + 1) = 0, and from the right 0 too. value 1: (1 + 2^-30) - 1 = 2^-30 in
    // double, but 0 in float32, where 1 absorbs 2^-30.
    float[][] parts = {{big, 1f}, {1f, tiny}, {-big, -1f}, {1f, 0f}};
    StepResult inOrder = new StepResult();
    for (float[] p : parts) {
      inOrder.merge(StepResult.ofPartition(p, 0, 1, 0, 1));
    }
    assertThat(written(inOrder, 1, 2)).containsExactly(1f, tiny);
    assertThat(written(StepResult.ofUnsummed(parts, 0, 4, 0, 4), 1, 2)).containsExactly(1f, tiny);
    // merged in another order, the parts keep that order: merge neither sorts nor sums
    StepResult swapped = new StepResult();
    for (int q : new int[] {0, 2, 1, 3}) {
      swapped.merge(StepResult.ofPartition(parts[q], 0, 1, 0, 1));
    }
    assertThat(written(swapped, 1, 2)).containsExactly(2f, tiny);
  }

  @Test
  void mergingResultsThatHoldSeveralPartsAppendsThemInOrder() {
    float[] a = {1f};
    float[] b = {2f};
    float[] c = {3f};
    StepResult m =
        StepResult.ofUnsummed(new float[][] {a, b}, 1, 2, 3, 4)
            .merge(StepResult.ofUnsummed(new float[][] {c}, 10, 20, 30, 40));
    assertThat(m.grad()).containsExactly(6.0);
    assertThat(m.lossSum()).isEqualTo(11);
    assertThat(m.weightSum()).isEqualTo(22);
    assertThat(m.metricSum()).isEqualTo(33);
    assertThat(m.count()).isEqualTo(44);
    assertThat(m.partial()).isNull(); // three parts, not a lone partition's
  }

  @Test
  void aLonePartitionsGradientIsAdoptedNotCopied() {
    float[] a = {-0f, 1f};
    StepResult m = new StepResult().merge(StepResult.ofPartition(a, 1, 1, 1, 1));
    assertThat(m.partial()).isSameAs(a);
    assertThat(Double.doubleToRawLongBits(m.grad()[0])).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(m.grad()[1]).isEqualTo(1.0);
    // an empty result merged in adds no part
    assertThat(m.merge(new StepResult(1, 1, 1, 1)).partial()).isSameAs(a);
  }

  @Test
  void theFirstBuffersMergedAreKept() {
    float[] first = {1f};
    StepResult m =
        new StepResult()
            .merge(new StepResult())
            .merge(StepResult.ofPartition(new float[] {0f}, 0, 1, 0, 1).withBuffers(first))
            .merge(StepResult.ofPartition(new float[] {0f}, 0, 1, 0, 1).withBuffers(new float[1]));
    assertThat(m.buffers()).isSameAs(first);
  }

  @Test
  void aSumMadeBeforeTheDriverIsScaledAsThatSumItself() {
    Random r = new Random(3);
    double[] sums = new double[TOTAL];
    for (int i = 0; i < TOTAL; i++) {
      sums[i] = r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3); // 53 bits, not float32's 24
    }
    double scale = 1.0 / 37;
    StepResult tree = StepResult.ofSum(sums, 1, 2, 3, 4);
    float[] out = written(tree, scale, SIZES);
    int roundedTwice = 0;
    for (int i = 0; i < TOTAL; i++) {
      assertThat(out[i]).as("value %d", i).isEqualTo((float) (sums[i] * scale));
      assertThat(tree.grad()[i]).isCloseTo(sums[i], within(Math.ulp(sums[i]) * 64));
      roundedTwice += (float) ((float) sums[i] * scale) != out[i] ? 1 : 0;
    }
    assertThat(roundedTwice).as("values one float32 part would get wrong").isPositive();
    assertThat(tree.lossSum()).isEqualTo(1);
    assertThat(tree.count()).isEqualTo(4);
  }

  @Test
  void aSumsZeroKeepsItsSignAndAnInfiniteSumStaysInfinite() {
    StepResult r = StepResult.ofSum(new double[] {-0.0, 1e300, 0.5}, 0, 1, 0, 1);
    assertThat(Double.doubleToRawLongBits(r.grad()[0])).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(r.grad()[1]).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(r.grad()[2]).isEqualTo(0.5);
    float[][] out = {new float[3]};
    assertThat(r.writeScaledInto(out, 1)).isFalse();
    assertThat(Float.floatToRawIntBits(out[0][0])).isEqualTo(Float.floatToRawIntBits(-0f));
    assertThat(out[0][1]).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(StepResult.ofSum(null, 0, 0, 0, 0).hasGrad()).isFalse();
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
  void everySumPathReportsNaNAndBothInfinitiesAndNoFiniteExtreme() {
    float[] extremes = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -0f, Float.MIN_NORMAL};
    for (int parts = 1; parts <= 3; parts++) {
      for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
        float[][] grads = new float[parts][TOTAL];
        grads[parts - 1][TOTAL - 1] = bad; // the last value of the last part
        assertThat(StepResult.ofUnsummed(grads, 0, 1, 0, 1).writeScaledInto(buffers(), 1))
            .as("%d parts, %s", parts, bad)
            .isFalse();
      }
      float[][] grads = new float[parts][TOTAL];
      for (int i = 0; i < extremes.length; i++) {
        grads[0][i] = extremes[i];
      }
      assertThat(StepResult.ofUnsummed(grads, 0, 1, 0, 1).writeScaledInto(buffers(), 1))
          .as("%d parts, finite extremes", parts)
          .isTrue();
    }
  }

  @Test
  void noPartsMeansNoGradient() {
    StepResult r = StepResult.ofUnsummed(new float[0][], 0, 0, 0, 0);
    assertThat(r.hasGrad()).isFalse();
    assertThat(r.grad()).isNull();
    assertThat(new StepResult().merge(r).hasGrad()).isFalse();
    assertThatThrownBy(() -> r.writeScaledInto(buffers(), 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no gradient");
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
    StepResult one = StepResult.ofPartition(new float[TOTAL], 0, 1, 0, 1);
    assertThatThrownBy(() -> one.merge(StepResult.ofPartition(new float[3], 0, 1, 0, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("gradient sizes differ: 22 vs 3");
  }
}
