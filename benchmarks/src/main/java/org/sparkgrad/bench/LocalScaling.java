package org.sparkgrad.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The 1 -> 2 partition scaling of {@code local[2]} at the defaults (issue 19: the goal is 1.6x)
 * through {@link StepCostModel}: which term keeps it below 1.6x on this machine, and what it would
 * take. In {@code local[N]} the arrays move in memory, so the model's link and codec terms vanish
 * and a step is {@code S(N) = F + C/N + P (u + N s)}: the fixed part of the driver's wait {@code F}
 * (the thread hand-offs to the tasks and back, and each task's per-step overhead outside its
 * compute), the compute {@code C} of the batch's rows split over N tasks, the driver's update
 * {@code P u} and its sum of N partitions {@code P N s}. Then {@code S(1) / S(2) >= r} exactly when
 * {@code C >= ((r - 1)(F + P u) + (2r - 1) P s) / (1 - r/2)}, for r = 1.6 {@code C >= 3 (F + P u) +
 * 11 P s}: the compute must be three times the serial part of the step.
 *
 * <p>The measurements ({@link #RUNS}) are {@code StepCostProbe --executors 2 --local-traffic}
 * ({@link ChannelTraffic#runLocal}): per run, medians over the steps of a warm fit at 1 and at 2
 * partitions.
 */
final class LocalScaling {
  private LocalScaling() {}

  /** One partition count's medians: driver wait and work, slowest task's compute, samples/s. */
  record Side(double waitMs, double workMs, double computeMs, double samplesPerSecond) {
    double fixedMs() {
      return waitMs - computeMs;
    }
  }

  /** One run: 1 partition, then 2. */
  record Run(Side one, Side two) {}

  /**
   * {@code StepCostProbe --executors 2 --local-traffic --rows 8192 --epochs 2}, 2026-12-07 from
   * 16:24 to 16:31 UTC, load average 7.8 to 12.4 on 2 vCPUs.
   */
  static final List<Run> RUNS =
      List.of(
          new Run(new Side(5.93, 0.54, 1.99, 19_176), new Side(5.87, 0.60, 1.70, 11_926)),
          new Run(new Side(4.00, 0.62, 2.34, 13_010), new Side(5.52, 0.65, 1.72, 14_790)),
          new Run(new Side(3.17, 0.79, 2.00, 18_738), new Side(7.73, 0.65, 1.58, 10_317)),
          new Run(new Side(11.31, 0.61, 2.03, 9_564), new Side(9.50, 0.64, 1.58, 10_723)));

  /** The compute (ms, of the whole batch on one task) that gives {@code r}x from 1 to 2 tasks. */
  static double requiredComputeMs(double r, double fixedMs, double updateMs, double sumMs) {
    return ((r - 1) * (fixedMs + updateMs) + (2 * r - 1) * sumMs) / (1 - r / 2);
  }

  /** Prints each run's ratio, the model's terms and the compute 1.6x needs. */
  static void print(StepCostModel m, long params, long batch) {
    System.out.printf(
        Locale.ROOT,
        "%n== local[2] scaling 1 -> 2 partitions, batch %d, %d parameters ==%n",
        batch,
        params);
    for (Run r : RUNS) {
      System.out.printf(
          Locale.ROOT,
          "measured: 1 partition %6.0f samples/s (wait %5.2f = compute %5.2f + fixed %5.2f, work"
              + " %4.2f ms), 2 partitions %6.0f (wait %5.2f = compute %5.2f + fixed %5.2f, work"
              + " %4.2f): %.2fx%n",
          r.one().samplesPerSecond(),
          r.one().waitMs(),
          r.one().computeMs(),
          r.one().fixedMs(),
          r.one().workMs(),
          r.two().samplesPerSecond(),
          r.two().waitMs(),
          r.two().computeMs(),
          r.two().fixedMs(),
          r.two().workMs(),
          r.two().samplesPerSecond() / r.one().samplesPerSecond());
    }
    double fixed = median(RUNS.stream().mapToDouble(r -> r.one().fixedMs()).toArray());
    double compute = median(RUNS.stream().mapToDouble(r -> r.one().computeMs()).toArray());
    double update = params * m.updateNs() / 1e6;
    double sum = params * m.sumNs() / 1e6;
    double s1 = fixed + compute + update + sum;
    double s2 = fixed + compute / 2 + update + 2 * sum;
    System.out.printf(
        Locale.ROOT,
        "model, medians: F %.2f ms, C %.2f ms, P u %.2f ms, P s %.2f ms: S(1) %.2f, S(2) %.2f,"
            + " %.2fx%n",
        fixed,
        compute,
        update,
        sum,
        s1,
        s2,
        s1 / s2);
    double halved = median(RUNS.stream().mapToDouble(r -> r.two().computeMs()).toArray());
    double fixed2 = median(RUNS.stream().mapToDouble(r -> r.two().fixedMs()).toArray());
    System.out.printf(
        Locale.ROOT,
        "measured at 2 partitions, medians: C(2) %.2f ms = %.2f C (the model's 0.50: %.2f of the 2"
            + " vCPUs reach the tasks), F(2) %.2f ms (%.2fx F): S(2) %.2f, %.2fx%n",
        halved,
        halved / compute,
        compute / halved,
        fixed2,
        fixed2 / fixed,
        fixed2 + halved + update + 2 * sum,
        s1 / (fixed2 + halved + update + 2 * sum));
    double need = requiredComputeMs(1.6, fixed, update, sum);
    double needQuiet = requiredComputeMs(1.6, 0, update, sum);
    System.out.printf(
        Locale.ROOT,
        "1.6x needs C >= 3 (F + P u) + 11 P s = %.2f ms (%.1fx the measured C; batch %d at the"
            + " same F), and with no fixed part at all (F = 0) still C >= %.2f ms (%.1fx)%n",
        need,
        need / compute,
        (long) Math.ceil(batch * need / compute),
        needQuiet,
        needQuiet / compute);
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
