package org.sparkgrad.bench;

import java.util.List;
import java.util.Locale;

/** The race's closing table: time to each accuracy target, samples/s, ratios, scaling. */
final class RaceReport {
  private RaceReport() {}

  static void print(
      RaceOptions o,
      String where,
      List<Curve> curves,
      List<SparkgradRun.Result> fits,
      Curve mllib,
      List<Curve> torch,
      SparkgradRun.Result one,
      SparkgradRun.Result two) {
    System.out.println("\n== curves (seconds since the start of training, test accuracy) ==");
    for (Curve c : curves) {
      System.out.print(c.describe());
    }
    System.out.println("\n== time to test accuracy (wall-clock seconds) ==");
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-34s", "system"));
    for (double t : FashionMnistRace.TARGETS) {
      head.append(String.format(Locale.ROOT, " %10s", "to " + Math.round(t * 100) + "%"));
    }
    head.append(String.format(Locale.ROOT, " %9s %12s  %s", "best acc", "samples/s", "notes"));
    System.out.println(head);
    for (Curve c : curves) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-34s", c.system()));
      for (double t : FashionMnistRace.TARGETS) {
        row.append(String.format(Locale.ROOT, " %10s", seconds(c.timeTo(t))));
      }
      row.append(
          String.format(
              Locale.ROOT, " %9.4f %12.0f  %s", c.bestAccuracy(), c.samplesPerSecond(), c.note()));
      System.out.println(row);
    }
    System.out.println(
        "(Sparkgrad: the first fit in a fresh JVM, then the same fit again (warm JVM); from the fit"
            + " call, data preparation and a validation pass over the 10k test rows each epoch"
            + " included, or from step 1 (the epochs' own seconds, validation included);"
            + " samples/s over epochs 2.., validation included."
            + " MLlib: each point a separate fit of maxIter iterations, fit time only; samples/s"
            + " = rows x iterations / fit time. PyTorch: from the first step, per-epoch test"
            + " evaluation included; samples/s = training alone over epochs 2..)");

    System.out.println(
        "\n== ratios of time to accuracy (MLlib / Sparkgrad: > 1 means Sparkgrad is faster;"
            + " Sparkgrad / PyTorch: < 1 means Sparkgrad is faster) ==");
    for (SparkgradRun.Result ours : fits) {
      System.out.println(ours.curve().system() + ":");
      for (double t : FashionMnistRace.TARGETS) {
        String pct = Math.round(t * 100) + "%";
        double s = ours.curve().timeTo(t);
        if (mllib != null) {
          System.out.printf(
              Locale.ROOT,
              "  to %s: MLlib / Sparkgrad = %s%s%n",
              pct,
              ratio(mllib, t, s, o),
              t == 0.85 ? "  (goal >= 20x)" : "");
        }
        double fromStep = ours.fromFirstStep().timeTo(t);
        for (Curve c : torch) {
          double tt = c.timeTo(t);
          System.out.printf(
              Locale.ROOT,
              "  to %s: Sparkgrad / %s = %s from the fit call, %s from step 1 as PyTorch is"
                  + " timed%s%n",
              pct,
              c.system(),
              Double.isNaN(s) || Double.isNaN(tt) ? "n/a (not reached)" : fmt(s / tt),
              Double.isNaN(fromStep) || Double.isNaN(tt) ? "n/a" : fmt(fromStep / tt),
              t == 0.85 ? "  (goal <= 2x)" : "");
        }
      }
    }
    if (one != null && two != null) {
      double r1 = one.steadySamplesPerSecond();
      double r2 = two.steadySamplesPerSecond();
      System.out.println("\n== scaling, " + where + ", default settings, no validation ==");
      System.out.printf(
          Locale.ROOT,
          "1 partition : %10.0f samples/s, %7.2f ms per step%n",
          r1,
          one.steadyMillisPerStep());
      System.out.printf(
          Locale.ROOT,
          "2 partitions: %10.0f samples/s, %7.2f ms per step%n",
          r2,
          two.steadyMillisPerStep());
      System.out.printf(Locale.ROOT, "2 / 1 partitions = %.2fx  (goal >= 1.6x)%n", r2 / r1);
      // Only against PyTorch on the same OpenBLAS: with another BLAS the compute differs.
      for (Curve c : torch) {
        if (!c.system().contains("OpenBLAS")) {
          continue;
        }
        double msPerStep = 1000.0 * o.batchSize / c.samplesPerSecond();
        System.out.printf(
            Locale.ROOT,
            "a whole step in %s: %.2f ms; Sparkgrad's 2-partition step minus half of it: %.2f ms"
                + " (a rough fixed cost per step; goal <= 12 ms)%n",
            c.system(),
            msPerStep,
            two.steadyMillisPerStep() - msPerStep / 2);
      }
    }
  }

  private static String ratio(Curve mllib, double target, double ours, RaceOptions o) {
    double m = mllib.timeTo(target);
    if (Double.isNaN(ours)) {
      return "n/a (Sparkgrad did not reach it)";
    }
    if (Double.isNaN(m)) {
      double spent =
          Math.max(
              mllib.points().stream().mapToDouble(Curve.Point::seconds).max().orElse(0),
              mllib.note().contains("cap") ? o.mllibCapSeconds : 0);
      return spent > 0 ? ">= " + fmt(spent / ours) + " (MLlib did not reach it)" : "n/a";
    }
    return fmt(m / ours);
  }

  private static String seconds(double s) {
    return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.1f", s);
  }

  private static String fmt(double r) {
    return String.format(Locale.ROOT, "%.2fx", r);
  }
}
