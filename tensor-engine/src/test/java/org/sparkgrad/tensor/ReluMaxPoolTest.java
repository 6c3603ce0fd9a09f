package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.sparkgrad.util.FloatBits;

/**
 * ReLU fused into the max pool ({@link FusedOps#reluMaxPool2d}) against ReLU then the pool, both on
 * float32 CPU tensors: the same values and the same input gradients bit for bit, with windows that
 * hold no positive value (whose gradient the unfused pool routes to their first element, where
 * ReLU's step then zeroes it with the upstream gradient's sign), ties, signed zeros, infinities and
 * NaN, padding and overlapping windows.
 */
class ReluMaxPoolTest {
  private static final int[][] GEOMETRIES = {{2, 2, 0}, {3, 2, 1}, {3, 1, 1}, {2, 1, 0}, {3, 3, 0}};
  private static final float[] SPECIAL = {
    Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, -1.5f
  };

  @Test
  void fusedPoolEqualsPoolOfReluBitForBit() {
    Generator g = new Generator(17);
    for (int[] shape : new int[][] {{2, 3, 7, 6}, {1, 2, 6, 8}}) {
      int n = shape[0] * shape[1] * shape[2] * shape[3];
      // Shifted down, so that many windows hold no positive value.
      float[] values = withSpecials(quarters(Tensor.randn(g, n), -0.6), 11);
      for (int[] geo : GEOMETRIES) {
        Tensor xFused = Tensor.tensor(values).reshape(shape).requiresGrad(true);
        Tensor xComposed = Tensor.tensor(values).reshape(shape).requiresGrad(true);
        Tensor fused = FusedOps.reluMaxPool2d(xFused, geo[0], geo[1], geo[2]);
        Tensor composed = Tensor.maxPool2d(xComposed.relu(), geo[0], geo[1], geo[2]);
        String at =
            String.format(
                "shape %s, pool %d/%d/%d",
                java.util.Arrays.toString(shape), geo[0], geo[1], geo[2]);
        assertThat(fused.gradFn().name()).isEqualTo("ReluMaxPool2DBackward");
        assertThat(FloatBits.of(fused)).as("values, " + at).containsExactly(FloatBits.of(composed));
        // Negative weights (signed zeros at dead windows), -0 and NaN among them.
        float[] w = withSpecials(quarters(Tensor.randn(g, composed.numel()), 0), 5);
        Tensor weights = Tensor.tensor(w).reshape(composed.shape());
        fused.mul(weights).sum().backward();
        composed.mul(weights).sum().backward();
        assertThat(FloatBits.of(xFused.grad()))
            .as("gradient, " + at)
            .containsExactly(FloatBits.of(xComposed.grad()));
      }
    }
  }

  @Test
  void deadWindowSendsTheSignedZeroToItsFirstElement() {
    // One 2x2 window, all negative, its max last: ReLU then the pool routes the gradient to the
    // first element, and -2 * 0 is -0 there.
    Tensor x = Tensor.tensor(new float[] {-3, -4, -2, -1}).reshape(1, 1, 2, 2).requiresGrad(true);
    Tensor y = FusedOps.reluMaxPool2d(x, 2, 2, 0);
    assertThat(Float.floatToRawIntBits(y.toFloatArray()[0])).isZero();
    y.mul(Tensor.tensor(new float[] {-2}).reshape(1, 1, 1, 1)).sum().backward();
    assertThat(FloatBits.of(x.grad())).containsExactly(Float.floatToRawIntBits(-0f), 0, 0, 0);
  }

  @Test
  void otherDtypesTakeReluThenThePool() {
    Tensor x =
        Tensor.tensor(new double[] {-1, 2, 3, -4, 5, -6, 0, 1})
            .to(DType.FLOAT64)
            .reshape(1, 2, 2, 2);
    Tensor y = FusedOps.reluMaxPool2d(x.requiresGrad(true), 2, 2, 0);
    assertThat(y.dtype()).isEqualTo(DType.FLOAT64);
    assertThat(y.toDoubleArray()).containsExactly(3, 5);
  }

  /** Values shifted by {@code shift} and rounded to quarter steps, so that windows hold ties. */
  private static float[] quarters(Tensor t, double shift) {
    double[] v = t.toDoubleArray();
    float[] q = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      q[i] = (float) (Math.round((v[i] + shift) * 4) / 4.0);
    }
    return q;
  }

  /** {@code v} with every {@code every}-th element replaced by a special value, in turn. */
  private static float[] withSpecials(float[] v, int every) {
    for (int i = 3, k = 0; i < v.length; i += every, k++) {
      v[i] = SPECIAL[k % SPECIAL.length];
    }
    return v;
  }
}
