package org.sparkgrad.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.UnaryOp;

/**
 * The float32 loops that replace a map's double definition, at the values where they could slip.
 */
class FloatKernelsTest {
  @Test
  void stepIsOneExactlyWherePositive() {
    float[] x = {
      1f,
      Float.MIN_VALUE,
      Float.MAX_VALUE,
      Float.POSITIVE_INFINITY,
      0.5f,
      0f,
      -0f,
      -Float.MIN_VALUE,
      -1f,
      Float.NEGATIVE_INFINITY,
      -Float.MAX_VALUE,
      Float.NaN,
      Float.intBitsToFloat(0x7f800001),
      Float.intBitsToFloat(0xffc00000),
      Float.intBitsToFloat(0x7fffffff)
    };
    float[] expected = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    float[] out = new float[x.length];
    FloatKernels.unary(UnaryOp.STEP, x, out, x.length);
    for (int i = 0; i < x.length; i++) {
      // Raw bits: +0, not -0, where the step is 0.
      assertThat(Float.floatToRawIntBits(out[i]))
          .as("step(%s) (bits %08x)", x[i], Float.floatToRawIntBits(x[i]))
          .isEqualTo(Float.floatToRawIntBits(expected[i]));
    }
  }

  @Test
  void stepAgreesWithItsDefinitionOnEveryExponent() {
    float[] x = new float[2 * 256 * 4];
    int k = 0;
    for (int sign = 0; sign < 2; sign++) {
      for (int exp = 0; exp < 256; exp++) {
        for (int mant : new int[] {0, 1, 0x400000, 0x7fffff}) {
          x[k++] = Float.intBitsToFloat(sign << 31 | exp << 23 | mant);
        }
      }
    }
    float[] out = new float[x.length];
    FloatKernels.unary(UnaryOp.STEP, x, out, x.length);
    for (int i = 0; i < x.length; i++) {
      assertThat(out[i]).as("step(%s)", x[i]).isEqualTo((float) UnaryOp.STEP.apply(x[i]));
    }
  }
}
