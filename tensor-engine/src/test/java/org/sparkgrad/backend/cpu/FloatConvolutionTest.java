package org.sparkgrad.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * The one-pass float32 patch kernels against the composed {@link Tensor#im2col} (a padded copy and
 * a strided copy, whose backward is a strided add) on geometries that cover stride 1 and 2, padding
 * 0 to 2, kernels 1 to 5 and non-square inputs and kernels; and the float32 convolution that uses
 * them against the float64 one, which takes the composed path.
 */
class FloatConvolutionTest {
  /** {N, C, H, W, kH, kW, stride, padding}. */
  private static final int[][] GEOMETRIES = {
    {2, 3, 7, 6, 3, 3, 1, 1},
    {2, 2, 8, 8, 3, 3, 2, 1},
    {1, 3, 5, 7, 1, 1, 1, 0},
    {2, 2, 9, 6, 5, 5, 1, 2},
    {3, 1, 6, 5, 2, 3, 2, 0},
    {1, 2, 5, 5, 5, 3, 2, 2},
    {2, 4, 4, 9, 3, 5, 1, 0},
  };

  @Test
  void im2colAndCol2imEqualTheComposedPathBitForBit() {
    Generator gen = new Generator(3);
    for (int[] s : GEOMETRIES) {
      FloatConvolution.Geometry g = geometry(s);
      int k = s[1] * s[4] * s[5];
      int p = g.oh() * g.ow();
      Tensor x = quarters(gen, s[0], s[1], s[2], s[3]).requiresGrad(true);
      Tensor composed = Tensor.im2col(x, s[4], s[5], s[6], s[7]); // [N, k, P]
      float[] cols = new float[k * s[0] * p];
      java.util.Arrays.fill(cols, Float.NaN); // every element must be written
      FloatConvolution.im2col(x.toFloatArray(), g, cols);
      assertThat(cols)
          .as("im2col of %s", java.util.Arrays.toString(s))
          .containsExactly(composed.permute(1, 0, 2).toFloatArray());

      Tensor upstream = quarters(gen, k, s[0], p); // the patch gradient, [k, N, P]
      composed.mul(upstream.permute(1, 0, 2)).sum().backward();
      float[] gx = new float[s[0] * s[1] * s[2] * s[3]];
      FloatConvolution.col2im(upstream.toFloatArray(), g, gx);
      assertThat(gx)
          .as("col2im of %s", java.util.Arrays.toString(s))
          .containsExactly(x.grad().toFloatArray());
    }
  }

  @Test
  void float32ConvolutionMatchesFloat64() {
    Generator gen = new Generator(5);
    for (int[] s : GEOMETRIES) {
      Tensor x64 = Tensor.randn(gen, s[0], s[1], s[2], s[3]).to(DType.FLOAT64).requiresGrad(true);
      Tensor w64 = Tensor.randn(gen, 3, s[1], s[4], s[5]).to(DType.FLOAT64).requiresGrad(true);
      Tensor b64 = Tensor.randn(gen, 3).to(DType.FLOAT64).requiresGrad(true);
      Tensor x32 = x64.detach().to(DType.FLOAT32).requiresGrad(true);
      Tensor w32 = w64.detach().to(DType.FLOAT32).requiresGrad(true);
      Tensor b32 = b64.detach().to(DType.FLOAT32).requiresGrad(true);
      Tensor y64 = Tensor.conv2d(x64, w64, b64, s[6], s[7]);
      Tensor y32 = Tensor.conv2d(x32, w32, b32, s[6], s[7]);
      Tensor up = Tensor.randn(gen, y64.shape()).to(DType.FLOAT64);
      y64.mul(up).sum().backward();
      y32.mul(up.to(DType.FLOAT32)).sum().backward();
      String at = java.util.Arrays.toString(s);
      assertClose(y32, y64, "output of " + at);
      assertClose(x32.grad(), x64.grad(), "input gradient of " + at);
      assertClose(w32.grad(), w64.grad(), "weight gradient of " + at);
      assertClose(b32.grad(), b64.grad(), "bias gradient of " + at);
    }
  }

  private static void assertClose(Tensor f32, Tensor f64, String what) {
    double[] a = f32.to(DType.FLOAT64).toDoubleArray();
    double[] b = f64.toDoubleArray();
    assertThat(a).as(what).hasSameSizeAs(b);
    for (int i = 0; i < a.length; i++) {
      assertThat(a[i])
          .as("%s [%d]", what, i)
          .isCloseTo(b[i], org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(b[i]))));
    }
  }

  private static FloatConvolution.Geometry geometry(int[] s) {
    int oh = (s[2] + 2 * s[7] - s[4]) / s[6] + 1;
    int ow = (s[3] + 2 * s[7] - s[5]) / s[6] + 1;
    return new FloatConvolution.Geometry(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], oh, ow);
  }

  /** Float32 values on quarter steps: every sum of a few of them is exact in float32. */
  private static Tensor quarters(Generator gen, int... shape) {
    double[] v = Tensor.randn(gen, shape).toDoubleArray();
    float[] q = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      q[i] = Math.round(v[i] * 4) / 4f;
    }
    return Tensor.tensor(q).reshape(shape);
  }
}
