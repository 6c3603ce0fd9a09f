package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The one-pass float32 CPU max pool against the composed form (a max over {@code im2col} patches,
 * which float64 inputs take and the gradient checks cover): equal values and equal gradients,
 * including ties (the first largest element of a window wins), padding and overlapping windows.
 */
class MaxPoolingTest {
  private static final int[][] GEOMETRIES = {{2, 2, 0}, {3, 2, 1}, {3, 1, 1}, {2, 1, 0}, {3, 3, 0}};

  @Test
  void directKernelMatchesComposedFormWithTiesAndPadding() {
    Generator g = new Generator(7);
    // Rounded to quarter steps so that windows hold ties.
    double[] values = quarters(Tensor.randn(g, 2 * 3 * 7 * 6));
    for (int[] geo : GEOMETRIES) {
      Tensor x32 = Tensor.tensor(values).reshape(2, 3, 7, 6).to(DType.FLOAT32).requiresGrad(true);
      Tensor x64 = Tensor.tensor(values).reshape(2, 3, 7, 6).requiresGrad(true);
      Tensor y32 = Tensor.maxPool2d(x32, geo[0], geo[1], geo[2]);
      Tensor y64 = Tensor.maxPool2d(x64, geo[0], geo[1], geo[2]);
      assertThat(y32.shape()).isEqualTo(y64.shape());
      assertThat(toDoubles(y32)).containsExactly(y64.toDoubleArray());
      // A weight per output position, so a gradient routed to the wrong element shows.
      Tensor w = Tensor.tensor(quarters(Tensor.randn(g, y64.numel()))).reshape(y64.shape());
      y32.mul(w.to(DType.FLOAT32)).sum().backward();
      y64.mul(w).sum().backward();
      assertThat(x32.grad().toDoubleArray())
          .as("gradient of max_pool2d(kernel=%d, stride=%d, padding=%d)", geo[0], geo[1], geo[2])
          .containsExactly(roundedToFloat(x64.grad().toDoubleArray()));
    }
  }

  @Test
  void nanWinsItsWindow() {
    Tensor x =
        Tensor.tensor(new float[] {1, Float.NaN, 5, 2, 3, 4, 0, 9, -1, 8, 7, 6, 1, 1, 1, 1})
            .reshape(1, 1, 4, 4);
    float[] y = Tensor.maxPool2d(x, 2, 2, 0).toFloatArray();
    assertThat(Float.isNaN(y[0])).isTrue();
    assertThat(new float[] {y[1], y[2], y[3]}).containsExactly(9, 8, 7);
  }

  /** Values rounded to quarter steps: ties in windows, and sums that float32 holds exactly. */
  private static double[] quarters(Tensor t) {
    double[] v = t.toDoubleArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.round(v[i] * 4) / 4.0;
    }
    return v;
  }

  private static double[] toDoubles(Tensor t) {
    return t.to(DType.FLOAT64).toDoubleArray();
  }

  private static double[] roundedToFloat(double[] v) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = (float) v[i];
    }
    return r;
  }
}
