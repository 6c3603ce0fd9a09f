package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link HostFunction}: forward and backward maps of host arrays, recorded by autograd. */
class HostFunctionTest {
  /** Doubles the values; its adjoint doubles the gradient. */
  private static final HostFunction.ArrayMap TWICE =
      new HostFunction.ArrayMap() {
        @Override
        public float[] floats(float[] values) {
          float[] out = values.clone();
          for (int i = 0; i < out.length; i++) {
            out[i] *= 2;
          }
          return out;
        }

        @Override
        public double[] doubles(double[] values) {
          double[] out = values.clone();
          for (int i = 0; i < out.length; i++) {
            out[i] *= 2;
          }
          return out;
        }
      };

  @Test
  void forwardAndBackwardApplyTheMapsAndPassGradCheckInFloat64() {
    Tensor x = Tensor.of(new double[] {1, -2, 3, 0.5}, 2, 2).requiresGrad(true);
    Tensor y = HostFunction.apply("TwiceBackward", x, TWICE, TWICE);
    assertThat(y.shape()).containsExactly(2, 2);
    assertThat(y.dtype()).isEqualTo(DType.FLOAT64);
    assertThat(y.toDoubleArray()).containsExactly(2, -4, 6, 1);
    assertThat(y.gradFn().name()).isEqualTo("TwiceBackward");
    GradCheck.check(a -> HostFunction.apply("TwiceBackward", a[0], TWICE, TWICE).mul(a[0]), x);
  }

  @Test
  void badInputAndABadMapAreNamed() {
    assertThatThrownBy(
            () ->
                HostFunction.apply(
                    "AllReduceBackward", Tensor.tensor(new long[] {1}), TWICE, TWICE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("AllReduceBackward: expected a float32 or float64 tensor, got int64");
    HostFunction.ArrayMap shorter =
        new HostFunction.ArrayMap() {
          @Override
          public float[] floats(float[] values) {
            return new float[values.length - 1];
          }

          @Override
          public double[] doubles(double[] values) {
            return new double[values.length - 1];
          }
        };
    assertThatThrownBy(
            () -> HostFunction.apply("AllReduceBackward", Tensor.ones(3), shorter, shorter))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("AllReduceBackward: the host map returned 2 values for a tensor of 3");
  }
}
