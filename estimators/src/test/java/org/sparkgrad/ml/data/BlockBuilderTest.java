package org.sparkgrad.ml.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The row content hash that global row ids are ranked by. */
class BlockBuilderTest {
  private static float[] row(int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = i % 3 == 0 ? 0f : (i * 37 % 256) / 255f;
    }
    return x;
  }

  @Test
  void everyFeatureLabelAndWeightCounts() {
    // 13 features: one full group of 8 across the four lanes, and a tail of 5.
    for (int n : new int[] {1, 7, 8, 13, 784}) {
      float[] x = row(n);
      float[] y = {3f};
      long base = BlockBuilder.hash(x, y, 1f);
      Set<Long> seen = new HashSet<>();
      seen.add(base);
      for (int i = 0; i < n; i++) {
        float[] changed = x.clone();
        changed[i] = Math.nextUp(changed[i]);
        assertThat(seen.add(BlockBuilder.hash(changed, y, 1f)))
            .as("n=%d, feature %d changed by one ulp", n, i)
            .isTrue();
      }
      assertThat(BlockBuilder.hash(x, new float[] {4f}, 1f)).isNotEqualTo(base);
      assertThat(BlockBuilder.hash(x, y, 2f)).isNotEqualTo(base);
      assertThat(BlockBuilder.hash(java.util.Arrays.copyOf(x, n + 1), y, 1f))
          .as("a trailing zero feature")
          .isNotEqualTo(base);
    }
  }

  @Test
  void positionsMatterWithinAWordAcrossLanesAndInTheTail() {
    float[] x = row(13);
    x[0] = 0.25f;
    x[1] = 0.5f;
    x[2] = 0.75f;
    x[9] = 0.125f;
    x[10] = 0.375f;
    long base = BlockBuilder.hash(x, new float[] {1f}, 1f);
    for (int[] swap : new int[][] {{0, 1}, {0, 2}, {1, 2}, {9, 10}, {2, 9}}) {
      float[] s = x.clone();
      s[swap[0]] = x[swap[1]];
      s[swap[1]] = x[swap[0]];
      assertThat(BlockBuilder.hash(s, new float[] {1f}, 1f))
          .as("features %d and %d swapped", swap[0], swap[1])
          .isNotEqualTo(base);
    }
  }

  @Test
  void equalValuesHashEqualAndNegativeZeroIsZero() {
    float[] x = row(20);
    float[] negated = x.clone();
    for (int i = 0; i < negated.length; i++) {
      if (negated[i] == 0f) {
        negated[i] = -0f;
      }
    }
    assertThat(BlockBuilder.hash(negated, new float[] {-0f}, 1f))
        .isEqualTo(BlockBuilder.hash(x.clone(), new float[] {0f}, 1f));
  }
}
