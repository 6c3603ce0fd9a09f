package org.sparkgrad.nn;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

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

  /**
   * PyTorch's {@code Module.__repr__}: {@code Name(extra)} on one line when there are no children
   * and a one-line extra repr, else the extra lines and {@code (name): child} lines indented by two
   * spaces, each child's own lines indented once more.
   */
  static String module(String name, String extraRepr, Map<String, Module> children) {
    List<String> extraLines = new ArrayList<>();
    if (!extraRepr.isEmpty()) {
      Collections.addAll(extraLines, extraRepr.split("\n", -1));
    }
    List<String> childLines = new ArrayList<>();
    for (Map.Entry<String, Module> c : children.entrySet()) {
      // PyTorch's _addindent(repr(child), 2): every line but the first indented.
      childLines.add("(" + c.getKey() + "): " + c.getValue().toString().replace("\n", "\n  "));
    }
    StringBuilder s = new StringBuilder(name).append('(');
    if (extraLines.size() == 1 && childLines.isEmpty()) {
      s.append(extraLines.get(0));
    } else if (!extraLines.isEmpty() || !childLines.isEmpty()) {
      List<String> lines = new ArrayList<>(extraLines);
      lines.addAll(childLines);
      s.append("\n  ").append(String.join("\n  ", lines)).append('\n');
    }
    return s.append(')').toString();
  }
}
