package org.sparkgrad.tensor;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Formats the elements of one tensor as PyTorch's {@code torch._tensor_str._Formatter} does, with
 * its default print options (4 digits of precision): every element padded to one common width,
 * integral floats as {@code 2.}, and scientific notation when the magnitudes call for it.
 *
 * <p>Numbers are rounded as Python's {@code format} rounds them: the exact binary value, ties to
 * even ({@code 0.03125} prints as {@code 0.0312}), which {@link String#format} does not do.
 */
final class ElementFormatter {
  static final int PRECISION = 4;

  private final boolean floating;
  private boolean intMode = true;
  private boolean sciMode;
  private int maxWidth = 1;

  /** A formatter for floating-point elements, sized over {@code values} (the printed ones). */
  static ElementFormatter ofFloats(double[] values) {
    return new ElementFormatter(values);
  }

  /** A formatter for int64 elements, sized over {@code values}. */
  static ElementFormatter ofLongs(long[] values) {
    ElementFormatter f = new ElementFormatter();
    for (long v : values) {
      f.maxWidth = Math.max(f.maxWidth, Long.toString(v).length());
    }
    return f;
  }

  private ElementFormatter() {
    this.floating = false;
  }

  private ElementFormatter(double[] values) {
    this.floating = true;
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    boolean any = false;
    for (double v : values) {
      if (Double.isFinite(v) && v != 0) {
        any = true;
        min = Math.min(min, Math.abs(v));
        max = Math.max(max, Math.abs(v));
        intMode &= v == Math.ceil(v);
      }
    }
    if (!any) {
      return;
    }
    sciMode = max / min > 1000.0 || max > 1.0e8 || (!intMode && min < 1.0e-4);
    for (double v : values) {
      if (Double.isFinite(v) && v != 0) {
        int width;
        if (sciMode) {
          width = scientific(v).length();
        } else if (intMode) {
          width = fixed(v, 0).length() + 1;
        } else {
          width = fixed(v, PRECISION).length();
        }
        maxWidth = Math.max(maxWidth, width);
      }
    }
  }

  /** The width every formatted element is padded to. */
  int width() {
    return maxWidth;
  }

  String format(double v) {
    String s;
    if (sciMode) {
      s = scientific(v);
    } else if (intMode) {
      s = fixed(v, 0) + (Double.isFinite(v) ? "." : "");
    } else {
      s = fixed(v, PRECISION);
    }
    return pad(s);
  }

  String format(long v) {
    return floating ? format((double) v) : pad(Long.toString(v));
  }

  private String pad(String s) {
    return s.length() >= maxWidth ? s : " ".repeat(maxWidth - s.length()) + s;
  }

  /** Python's {@code "{:.Nf}".format(v)}. */
  static String fixed(double v, int digits) {
    if (!Double.isFinite(v)) {
      return nonFinite(v);
    }
    String s = new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    return negative(v) && !s.startsWith("-") ? "-" + s : s;
  }

  /** Python's {@code "{:.4e}".format(v)}: {@code d.dddde+XX}. */
  static String scientific(double v) {
    if (!Double.isFinite(v)) {
      return nonFinite(v);
    }
    String sign = negative(v) ? "-" : "";
    if (v == 0) {
      return sign + "0." + "0".repeat(PRECISION) + "e+00";
    }
    BigDecimal rounded =
        new BigDecimal(Math.abs(v)).round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
    String digits = rounded.unscaledValue().toString();
    int exponent = digits.length() - 1 - rounded.scale();
    digits = (digits + "0".repeat(PRECISION)).substring(0, PRECISION + 1);
    return String.format(
        Locale.ROOT,
        "%s%s.%se%s%02d",
        sign,
        digits.charAt(0),
        digits.substring(1),
        exponent < 0 ? "-" : "+",
        Math.abs(exponent));
  }

  private static boolean negative(double v) {
    return v < 0 || (v == 0 && 1 / v < 0);
  }

  private static String nonFinite(double v) {
    return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  }
}
