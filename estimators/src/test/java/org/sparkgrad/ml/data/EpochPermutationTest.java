package org.sparkgrad.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EpochPermutationTest {
  @Test
  void isABijectionForManySizes() {
    for (int n : new int[] {1, 2, 3, 5, 16, 17, 100, 1000, 4097}) {
      EpochPermutation p = new EpochPermutation(n, 7, 0);
      boolean[] hit = new boolean[n];
      for (int i = 0; i < n; i++) {
        long pos = p.positionOf(i);
        assertThat(pos).isBetween(0L, n - 1L);
        assertThat(hit[(int) pos]).as("n=%d position %d twice", n, pos).isFalse();
        hit[(int) pos] = true;
      }
    }
  }

  @Test
  void dependsOnSeedAndEpochOnly() {
    long[] a = positions(new EpochPermutation(1000, 1, 3));
    long[] b = positions(new EpochPermutation(1000, 1, 3));
    long[] otherEpoch = positions(new EpochPermutation(1000, 1, 4));
    long[] otherSeed = positions(new EpochPermutation(1000, 2, 3));
    assertThat(a).containsExactly(b);
    assertThat(Arrays.equals(a, otherEpoch)).isFalse();
    assertThat(Arrays.equals(a, otherSeed)).isFalse();
  }

  @Test
  void looksShuffled() {
    // Rows 0..99 should spread over the order, not stay at the front.
    EpochPermutation p = new EpochPermutation(10_000, 5, 0);
    int early = 0;
    int fixed = 0;
    for (int i = 0; i < 10_000; i++) {
      long pos = p.positionOf(i);
      if (i < 1000 && pos < 1000) {
        early++;
      }
      if (pos == i) {
        fixed++;
      }
    }
    // About 10% of the first 1000 rows land in the first 1000 places; about one fixed point.
    assertThat(early).isBetween(60, 140);
    assertThat(fixed).isLessThan(10);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new EpochPermutation(0, 1, 0)).hasMessageContaining("got 0");
    assertThatThrownBy(() -> new EpochPermutation(5, 1, 0).positionOf(5))
        .hasMessageContaining("row index 5");
  }

  private static long[] positions(EpochPermutation p) {
    long[] out = new long[(int) p.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = p.positionOf(i);
    }
    return out;
  }
}
