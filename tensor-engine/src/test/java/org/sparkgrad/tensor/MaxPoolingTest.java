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

  /**
   * NaN windows and signed zeros as PyTorch 1.13's {@code max_pool2d} routes them (values printed
   * by {@code torch.nn.functional.max_pool2d(x, 2, 2, return_indices=True)} and its backward): the
   * last NaN of a window wins and takes the gradient; of {@code -0} and {@code +0} the first wins.
   */
  @Test
  void nanAndSignedZeroGradientsGoWherePyTorchSendsThem() {
    float nan = Float.NaN;
    float[] v = {nan, 1, nan, 2, 3, nan, 0, nan, -0f, 0, 1, 1, 0, -0f, 1, 1};
    Tensor x = Tensor.tensor(v).reshape(1, 1, 4, 4).requiresGrad(true);
    Tensor y = Tensor.maxPool2d(x, 2, 2, 0);
    float[] out = y.toFloatArray();
    assertThat(Float.isNaN(out[0]) && Float.isNaN(out[1])).isTrue();
    assertThat(Float.floatToRawIntBits(out[2])).isEqualTo(Float.floatToRawIntBits(-0f));
    assertThat(out[3]).isEqualTo(1f);
    y.sum().backward();
    assertThat(x.grad().toFloatArray())
        .containsExactly(0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0);

    // Overlapping padded windows (the general loop): torch's indices are 6 in the first two
    // columns and 8 in the last three, on every row.
    float[] w = {nan, 1, nan, 2, 5, 3, nan, 0, nan, 5, -0f, 0, 1, 1, 5};
    Tensor x2 = Tensor.tensor(w).reshape(1, 1, 3, 5).requiresGrad(true);
    Tensor.maxPool2d(x2, 3, 1, 1).sum().backward();
    float[] expected = new float[15];
    expected[6] = 6;
    expected[8] = 9;
    assertThat(x2.grad().toFloatArray()).containsExactly(expected);
  }

  /** The branch-free 2x2 kernel against the general loop's rule on windows of every ordering. */
  @Test
  void twoByTwoKernelKeepsTheFirstLargestOfEveryOrdering() {
    float[] levels = {-3.5f, -0f, 0f, 2f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
    int windows = levels.length * levels.length * levels.length * levels.length;
    float[] v = new float[windows * 4];
    for (int k = 0; k < windows; k++) {
      int code = k;
      for (int e = 0; e < 4; e++, code /= levels.length) {
        // Window k holds v[2k], v[2k+1] on the top row and the same columns of the bottom row.
        v[(e / 2) * windows * 2 + 2 * k + e % 2] = levels[code % levels.length];
      }
    }
    Tensor x = Tensor.tensor(v).reshape(1, 1, 2, windows * 2).requiresGrad(true);
    Tensor y = Tensor.maxPool2d(x, 2, 2, 0);
    y.sum().backward();
    float[] out = y.toFloatArray();
    float[] grad = x.grad().toFloatArray();
    for (int k = 0; k < windows; k++) {
      int[] at = {2 * k, 2 * k + 1, windows * 2 + 2 * k, windows * 2 + 2 * k + 1};
      int best = at[0];
      for (int e = 1; e < 4; e++) {
        if (v[at[e]] > v[best]) {
          best = at[e];
        }
      }
      assertThat(Float.floatToRawIntBits(out[k]))
          .as("window %d", k)
          .isEqualTo(Float.floatToRawIntBits(v[best]));
      assertThat(grad[best]).as("gradient of window %d", k).isEqualTo(1f);
    }
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
