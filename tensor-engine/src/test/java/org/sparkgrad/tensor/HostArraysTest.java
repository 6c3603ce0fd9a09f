package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Arrays shared with CPU float32 tensors, and null where there is no such array. */
class HostArraysTest {
  @Test
  void aFloatCpuTensorSharesItsArrayBothWays() {
    Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
    float[] a = HostArrays.sharedFloats(t);
    assertThat(a).containsExactly(1, 2, 3, 4);
    a[3] = 9;
    assertThat(t.toFloatArray()).containsExactly(1, 2, 3, 9);
  }

  @Test
  void otherDtypesHaveNoSharedFloatArray() {
    assertThat(HostArrays.sharedFloats(Tensor.zeros(DType.FLOAT64, 3))).isNull();
    assertThat(HostArrays.sharedFloats(Tensor.zeros(DType.INT64, 3))).isNull();
  }
}
