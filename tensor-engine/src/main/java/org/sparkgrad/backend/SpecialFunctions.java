package org.sparkgrad.backend;

/** The error function and the normal distribution, accurate to double precision. */
public final class SpecialFunctions {
  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

  private SpecialFunctions() {}

  /**
   * erf(x). For |x| < 3 the series {@code 2/sqrt(pi) exp(-x^2) sum 2^n x^(2n+1) / (2n+1)!!}, whose
   * terms are all positive (no cancellation); beyond, 1 - erfc(x) by its continued fraction.
   */
  public static double erf(double x) {
    double ax = Math.abs(x);
    double r;
    if (ax < 3) {
      double term = ax;
      double sum = ax;
      double x2 = ax * ax;
      for (int n = 1; n < 200 && term > 1e-17 * sum; n++) {
        term *= 2 * x2 / (2 * n + 1);
        sum += term;
      }
      r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    } else {
      r = 1 - erfcContinuedFraction(ax);
    }
    return x < 0 ? -r : r;
  }

  /** erfc(x) for x >= 3, by the modified Lentz evaluation of its continued fraction. */
  private static double erfcContinuedFraction(double x) {
    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
    double tiny = 1e-300;
    double f = x;
    double c = x;
    double d = 0;
    for (int n = 1; n < 300; n++) {
      double a = n / 2.0;
      d = x + a * d;
      d = d == 0 ? tiny : d;
      c = x + a / c;
      c = c == 0 ? tiny : c;
      d = 1 / d;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
  }

  /** The standard normal cumulative distribution function. */
  public static double normalCdf(double x) {
    return 0.5 * (1 + erf(x / Math.sqrt(2)));
  }

  /** The standard normal density. */
  public static double normalPdf(double x) {
    return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
  }
}
