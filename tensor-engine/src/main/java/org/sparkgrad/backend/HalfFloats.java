package org.sparkgrad.backend;

/**
 * The 16-bit floating-point formats of mixed precision, in Java: the conversions of {@code amp.cu}
 * bit for bit (round to nearest even, subnormals, signed zeros, overflow to infinity, NaN kept
 * NaN), as PyTorch's {@code tensor.to(torch.bfloat16)} and {@code tensor.to(torch.float16)}. The
 * CPU backend rounds with these; the CUDA backend runs the kernels.
 */
public final class HalfFloats {
  private HalfFloats() {}

  /** The bfloat16 bit pattern nearest to {@code f} (ties to even). */
  public static short toBf16(float f) {
    int u = Float.floatToRawIntBits(f);
    if ((u & 0x7fffffff) > 0x7f800000) {
      return (short) ((u >>> 16) | 0x0040);
    }
    int lsb = (u >>> 16) & 1;
    return (short) ((u + 0x7fff + lsb) >>> 16);
  }

  /** The value of a bfloat16 bit pattern. */
  public static float fromBf16(short h) {
    return Float.intBitsToFloat((h & 0xffff) << 16);
  }

  /** {@code f} rounded to the nearest bfloat16, as a float: {@code float(bfloat16(f))}. */
  public static float roundBf16(float f) {
    return fromBf16(toBf16(f));
  }

  /** The IEEE half bit pattern nearest to {@code f} (ties to even; 65520 and up overflow). */
  public static short toF16(float f) {
    int u = Float.floatToRawIntBits(f);
    int sign = (u >>> 16) & 0x8000;
    int a = u & 0x7fffffff;
    if (a > 0x7f800000) {
      return (short) (sign | 0x7e00 | ((a >>> 13) & 0x3ff));
    }
    if (a >= 0x477ff000) { // 65520 and above (and infinity) round to infinity
      return (short) (sign | 0x7c00);
    }
    if (a >= 0x38800000) { // a normal half: rebias the exponent, round off 13 mantissa bits
      int lsb = (a >>> 13) & 1;
      return (short) (sign | ((a - 0x38000000 + 0xfff + lsb) >>> 13));
    }
    if (a < 0x33000000) { // below half the smallest subnormal: zero
      return (short) sign;
    }
    // A subnormal half: the mantissa with its implicit bit, shifted right and rounded to even.
    int exp = a >>> 23;
    int mant = (a & 0x7fffff) | 0x800000;
    int shift = 126 - exp; // 14 .. 24
    int half = 1 << (shift - 1);
    int rest = mant & ((1 << shift) - 1);
    int q = mant >>> shift;
    if (rest > half || (rest == half && (q & 1) != 0)) {
      q++;
    }
    return (short) (sign | q);
  }

  /** The value of an IEEE half bit pattern. */
  public static float fromF16(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp != 0) {
      return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
    float v = mant * 0x1p-24f; // zero or a subnormal: mant * 2^-24, exact
    return sign != 0 ? -v : v;
  }

  /** {@code f} rounded to the nearest IEEE half, as a float: {@code float(float16(f))}. */
  public static float roundF16(float f) {
    return fromF16(toF16(f));
  }
}
