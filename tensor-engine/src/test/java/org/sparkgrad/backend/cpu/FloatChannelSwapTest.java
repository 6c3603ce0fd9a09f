package org.sparkgrad.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/** The fused layout swaps around a convolution's GEMM, against plain loops and the generic path. */
class FloatChannelSwapTest {
  @Test
  void toBatchMajorSwapsAndAddsEachChannelsBias() {
    int channels = 3;
    int n = 2;
    int pixels = 5;
    float[] src = values(channels * n * pixels, 1);
    float[] bias = {0.5f, -2f, 10f};
    float[] out = new float[src.length];
    FloatChannelSwap.toBatchMajor(src, channels, n, pixels, bias, out);
    float[] plain = new float[src.length];
    FloatChannelSwap.toBatchMajor(src, channels, n, pixels, null, plain);
    for (int c = 0; c < channels; c++) {
      for (int b = 0; b < n; b++) {
        for (int i = 0; i < pixels; i++) {
          float v = src[(c * n + b) * pixels + i];
          assertThat(out[(b * channels + c) * pixels + i]).isEqualTo(v + bias[c]);
          assertThat(plain[(b * channels + c) * pixels + i]).isEqualTo(v);
        }
      }
    }
  }

  @Test
  void toChannelMajorSwapsAndSumsEachChannel() {
    int n = 3;
    int channels = 2;
    int pixels = 7;
    float[] g = values(n * channels * pixels, 2);
    float[] out = new float[g.length];
    double[] sums = new double[channels];
    FloatChannelSwap.toChannelMajor(g, n, channels, pixels, out, sums);
    for (int c = 0; c < channels; c++) {
      double expected = 0;
      for (int b = 0; b < n; b++) {
        for (int i = 0; i < pixels; i++) {
          float v = g[(b * channels + c) * pixels + i];
          assertThat(out[(c * n + b) * pixels + i]).isEqualTo(v);
          expected += v;
        }
      }
      assertThat(sums[c]).isCloseTo(expected, within(1e-9));
    }
  }

  /** Float32 on the CPU takes the fused swaps; float64 the generic GEMM and strided copies. */
  @Test
  void aFloatConvolutionWithBiasMatchesTheGenericPathInOutputAndGradients() {
    Generator gen = new Generator(7);
    Tensor x = Tensor.randn(gen, 2, 3, 6, 5);
    Tensor w = Tensor.randn(gen, 4, 3, 3, 3);
    Tensor b = Tensor.randn(gen, 4);
    Tensor up = Tensor.randn(gen, 2, 4, 3, 3);
    Tensor[] f32 = convAndGrads(x, w, b, up);
    Tensor[] f64 =
        convAndGrads(
            x.to(DType.FLOAT64), w.to(DType.FLOAT64), b.to(DType.FLOAT64), up.to(DType.FLOAT64));
    for (int i = 0; i < f32.length; i++) {
      double[] expected = f64[i].to(DType.FLOAT64).toDoubleArray();
      float[] actual = f32[i].toFloatArray();
      assertThat(actual).hasSize(expected.length);
      for (int j = 0; j < actual.length; j++) {
        assertThat((double) actual[j])
            .as("tensor %d, element %d", i, j)
            .isCloseTo(expected[j], within(1e-4));
      }
    }
  }

  /** The output of a stride-2, padding-1 convolution, and the gradients of its dot with up. */
  private static Tensor[] convAndGrads(Tensor x, Tensor w, Tensor b, Tensor up) {
    x = x.detach().requiresGrad(true);
    w = w.detach().requiresGrad(true);
    b = b.detach().requiresGrad(true);
    Tensor y = Tensor.conv2d(x, w, b, 2, 1);
    y.mul(up).sum().backward();
    return new Tensor[] {y.detach(), x.grad(), w.grad(), b.grad()};
  }

  private static float[] values(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }
}
