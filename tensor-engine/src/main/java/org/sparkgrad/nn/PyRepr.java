package org.sparkgrad.nn;

import java.math.BigDecimal;

/** Python's {@code repr} of the values that layers print, so that modules print as PyTorch's. */
final class PyRepr {
  private PyRepr() {}

  /** {@code True} or {@code False}. */
  static String bool(boolean b) {
    return b ? "True" : "False";
  }

  /** A Python tuple of ints: {@code (10,)}, {@code (3, 3)}. */
  static String tuple(int... values) {
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < values.length; i++) {
      s.append(i == 0 ? "" : ", ").append(values[i]);
    }
    return s.append(values.length == 1 ? ",)" : ")").toString();
  }

  /**
   * Python's {@code repr(float)}: the shortest digits that round-trip, in positional notation when
   * the decimal exponent is in {@code [-4, 16)} ({@code 0.0001}, {@code 1.0}, {@code 0.01}) and in
   * scientific notation otherwise ({@code 1e-05}, {@code 1e+16}).
   */
  static String floatRepr(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return (1 / v < 0) ? "-0.0" : "0.0";
    }
    BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
    String digits = d.unscaledValue().toString();
    // value = 0.digits * 10^decpt
    int decpt = digits.length() - d.scale();
    StringBuilder s = new StringBuilder(v < 0 ? "-" : "");
    if (decpt > -4 && decpt <= 16) {
      if (decpt <= 0) {
        s.append("0.").append("0".repeat(-decpt)).append(digits);
      } else if (decpt >= digits.length()) {
        s.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
      } else {
        s.append(digits, 0, decpt).append('.').append(digits.substring(decpt));
      }
    } else {
      s.append(digits.charAt(0));
      if (digits.length() > 1) {
        s.append('.').append(digits.substring(1));
      }
      int exp = decpt - 1;
      s.append(exp < 0 ? "e-" : "e+")
          .append(String.format(java.util.Locale.ROOT, "%02d", Math.abs(exp)));
    }
    return s.toString();
  }
}
