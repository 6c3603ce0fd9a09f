package org.sparkgrad.backend.cpu;

/**
 * ReLU's backward pass for float arrays in one pass: {@code result = g * (out > 0 ? 1 : 0)}, where
 * the composed form wrote the step {@code out > 0} into a temporary and then multiplied it by
 * {@code g}, reading and writing every element twice. The product is formed as the composed form
 * forms it ({@code g} times {@code 1f} or {@code 0f}), so the result is the same bit for bit: a
 * negative gradient at a dead unit gives {@code -0}, and a NaN gradient stays NaN.
 */
public final class FloatReluGrad {
  private FloatReluGrad() {}

  /**
   * {@code result[i] = g[i] * step(out[i])} for {@code i < n}, with the step of {@link
   * FloatKernels}: 1 where {@code out[i] > 0}, else 0 (zeros, negatives and NaN), without a branch
   * on the data.
   */
  public static void apply(float[] out, float[] g, float[] result, int n) {
    for (int i = 0; i < n; i++) {
      result[i] = step(out[i]) * g[i];
    }
  }

  /**
   * 1f where {@code out > 0}, else 0f (zeros, negatives and NaN), from the float's bits without a
   * branch on the data (ReLU's inputs are positive about half the time, so a branch mispredicts
   * about half the time): {@code out > 0} exactly when {@code bits - 1} lies in {@code [0,
   * bits(+inf))}.
   */
  static float step(float out) {
    int t = Float.floatToRawIntBits(out) - 1;
    // Sign of (t - bits(+inf)) is set when t < bits(+inf); ~t clears it when t < 0.
    int mask = ((t - 0x7f800000) & ~t) >> 31;
    return Float.intBitsToFloat(mask & 0x3f800000);
  }
}
