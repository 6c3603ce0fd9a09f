package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.sparkgrad.util.FloatBits;

/**
 * The float32 CPU convolution a few images at a time ({@link ChunkedConv}) against the float64
 * convolution (one GEMM over the batch, which the gradient checks cover), for chunks of 1, 2 and 3
 * images over a batch of 5 (a short last chunk), with padding and stride: the output and every
 * gradient agree to float rounding, and the bias gradient is the same bits whatever the chunk.
 */
class ChunkedConvTest {
  private static final int[][] GEOMETRIES = {{1, 0}, {2, 1}, {1, 1}};

  @Test
  void everyChunkSizeGivesTheConvolutionAndItsGradients() {
    Generator gen = new Generator(21);
    Tensor x = Tensor.randn(gen, 5, 3, 7, 6);
    Tensor w = Tensor.randn(gen, 4, 3, 3, 3);
    Tensor b = Tensor.randn(gen, 4);
    for (int[] sp : GEOMETRIES) {
      int stride = sp[0];
      int padding = sp[1];
      Tensor[] want = reference(x, w, b, stride, padding, gen);
      int[] biasBits = null;
      for (int chunk : new int[] {1, 2, 3, 5}) {
        ConvGemm.Geometry geo = new ConvGemm.Geometry(5, 3, 7, 6, 4, 3, 3, stride, padding);
        Tensor xs = x.detach().requiresGrad(true);
        Tensor ws = w.detach().requiresGrad(true);
        Tensor bs = b.detach().requiresGrad(true);
        Tensor y = ChunkedConv.forward(xs, ws, bs, geo, chunk);
        Tensor[] grads = ChunkedConv.backward(want[4], xs, ws, bs, geo, chunk);
        String at = "stride " + stride + ", padding " + padding + ", chunk " + chunk;
        assertClose(y, want[0], at + ": output");
        assertClose(grads[0], want[1], at + ": input gradient");
        assertClose(grads[1], want[2], at + ": weight gradient");
        assertClose(grads[2], want[3], at + ": bias gradient");
        int[] bits = FloatBits.of(grads[2]);
        if (biasBits != null) {
          assertThat(bits).as(at + ": bias gradient bits").containsExactly(biasBits);
        }
        biasBits = bits;
      }
    }
  }

  /** Output, input, weight and bias gradients in float64 under an upstream gradient, and it. */
  private static Tensor[] reference(
      Tensor x, Tensor w, Tensor b, int stride, int padding, Generator gen) {
    Tensor x64 = x.to(DType.FLOAT64).requiresGrad(true);
    Tensor w64 = w.to(DType.FLOAT64).requiresGrad(true);
    Tensor b64 = b.to(DType.FLOAT64).requiresGrad(true);
    Tensor y = Tensor.conv2d(x64, w64, b64, stride, padding);
    Tensor up = Tensor.randn(gen, y.shape());
    y.mul(up.to(DType.FLOAT64)).sum().backward();
    return new Tensor[] {y, x64.grad(), w64.grad(), b64.grad(), up};
  }

  private static void assertClose(Tensor got, Tensor want, String what) {
    assertThat(got.shape()).as(what).isEqualTo(want.shape());
    double[] g = got.to(DType.FLOAT64).toDoubleArray();
    double[] e = want.toDoubleArray();
    for (int i = 0; i < g.length; i++) {
      assertThat(g[i]).as("%s [%d]", what, i).isCloseTo(e[i], within(1e-4 * (1 + Math.abs(e[i]))));
    }
  }
}
