package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.data.BlockBuilder;
import org.sparkgrad.ml.data.EpochOrder;
import org.sparkgrad.ml.data.EpochPermutation;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.tensor.Tensor;

/** Row ids and dropout masks depend on the rows, never on how they are partitioned. */
class SamplerTest {
  private static PartitionData part(int index, float... firstFeatures) {
    BlockBuilder b = new BlockBuilder(2, 1, false);
    for (float f : firstFeatures) {
      b.add(new float[] {f, -f}, new float[] {f > 2 ? 1 : 0}, 1f);
    }
    return new PartitionData(index, b.build(), new BlockBuilder(2, 1, false).build());
  }

  private static Map<Float, Long> idsByRow(List<PartitionData> parts) {
    Map<Float, Long> out = new HashMap<>();
    for (PartitionData p : RowIds.assign(parts)) {
      for (int r = 0; r < p.train().rows(); r++) {
        out.put(p.train().features()[r * 2], p.train().rowIds()[r]);
      }
    }
    return out;
  }

  @Test
  void rowIdsComeFromContentNotPlacement() {
    Map<Float, Long> a = idsByRow(List.of(part(0, 1, 2, 3, 4, 5)));
    Map<Float, Long> b = idsByRow(List.of(part(0, 4), part(1, 5, 1), part(2, 3, 2)));
    assertThat(a).isEqualTo(b);
    assertThat(a.values()).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L);
  }

  @Test
  void minibatchesPartitionTheEpochInPositionOrder() {
    PartitionData p = RowIds.assign(List.of(part(0, 1, 2, 3, 4, 5, 6, 7))).get(0);
    EpochOrder o = p.order(7, 3, 0, true);
    EpochPermutation perm = new EpochPermutation(7, 3, 0);
    long last = -1;
    for (int r : o.rows()) {
      long pos = perm.positionOf(p.train().rowIds()[r]);
      assertThat(pos).isGreaterThan(last);
      last = pos;
    }
    assertThat(o.lowerBound(0)).isEqualTo(0);
    assertThat(o.lowerBound(3)).isEqualTo(3);
    assertThat(o.lowerBound(7)).isEqualTo(7);
    EpochOrder noShuffle = p.order(7, 3, 1, false);
    for (int i = 0; i < 7; i++) {
      assertThat(p.train().rowIds()[noShuffle.rows()[i]]).isEqualTo(i);
    }
  }

  @Test
  void keyedDropoutMasksDependOnRowIdAndKeyOnly() {
    long key = KeyedDropout.key(1, 2, 3, 4);
    float[] ab = KeyedDropout.mask(2, 1000, 0.25, new long[] {10, 20}, key);
    float[] b = KeyedDropout.mask(1, 1000, 0.25, new long[] {20}, key);
    for (int j = 0; j < 1000; j++) {
      assertThat(ab[1000 + j]).isEqualTo(b[j]);
    }
    float[] otherStep =
        KeyedDropout.mask(1, 1000, 0.25, new long[] {20}, KeyedDropout.key(1, 2, 4, 4));
    assertThat(otherStep).isNotEqualTo(b);
    int kept = 0;
    for (float v : ab) {
      assertThat(v).isIn(0f, 1f / 0.75f);
      kept += v > 0 ? 1 : 0;
    }
    assertThat(kept / 2000.0).isBetween(0.72, 0.78);
    Tensor x = Tensor.ones(2, 1000).requiresGrad(true);
    Tensor y = KeyedDropout.apply(x, 0.25, new long[] {10, 20}, key);
    assertThat(y.toFloatArray()).containsExactly(ab);
    y.sum().backward();
    assertThat(x.grad().toFloatArray()).containsExactly(ab);
  }
}
