package org.sparkgrad.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/** ReLU's one-pass backward against its definition, bit for bit, on the values that matter. */
class FloatReluGradTest {
  private static final float NAN = Float.NaN;

  @Test
  void everyPairOfSpecialValuesGivesTheStepTimesTheGradientBitForBit() {
    float[] outs = {
      0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.POSITIVE_INFINITY, NAN, 3.4e38f
    };
    float[] gs = {2f, -2f, 0f, -0f, NAN, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
    int n = outs.length * gs.length;
    float[] out = new float[n];
    float[] g = new float[n];
    for (int i = 0; i < outs.length; i++) {
      for (int j = 0; j < gs.length; j++) {
        out[i * gs.length + j] = outs[i];
        g[i * gs.length + j] = gs[j];
      }
    }
    float[] result = new float[n];
    FloatReluGrad.apply(out, g, result, n);
    for (int k = 0; k < n; k++) {
      float expected = (out[k] > 0 ? 1f : 0f) * g[k];
      assertThat(Float.floatToRawIntBits(result[k]))
          .as("out %s, g %s", out[k], g[k])
          .isEqualTo(Float.floatToRawIntBits(expected));
    }
    // A dead unit with a negative gradient gives -0, as the composed product did.
    assertThat(Float.floatToRawIntBits(result[3 * gs.length + 1]))
        .isEqualTo(Float.floatToRawIntBits(-0f));
  }

  @Test
  void reluBackwardThroughTheTensorApiMatchesItsDefinition() {
    Tensor x = Tensor.randn(new Generator(3), 5, 7).requiresGrad(true);
    Tensor up = Tensor.randn(new Generator(4), 5, 7);
    x.relu().mul(up).sum().backward();
    float[] xs = x.toFloatArray();
    float[] ups = up.toFloatArray();
    float[] grad = x.grad().toFloatArray();
    for (int i = 0; i < xs.length; i++) {
      assertThat(grad[i]).isEqualTo(xs[i] > 0 ? ups[i] : 0f * ups[i]);
    }
  }
}
