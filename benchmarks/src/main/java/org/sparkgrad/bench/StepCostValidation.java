package org.sparkgrad.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@link StepCostModel}'s constants fitted to one measurement of {@link ChannelTraffic} (the
 * standalone cluster on loopback, 1 to 4 one-core executors on this machine's 2 vCPUs, star and
 * tree), the model's figures beside the measured ones, and its projection to 16, 64 and 256
 * executors for a 1M- and a 50M-parameter model on a 10 Gbit/s network. The measurement is
 * hard-coded ({@link #MEASURED}, from the run docs/BENCHMARKS.md gives), so that the tables print
 * without a cluster and the fit can be read.
 *
 * <p>The fit: compute per sample per parameter from the one-executor task's compute time, the
 * codec's ns per byte from its encode time, the driver's sum (per partition and parameter) and
 * update (per parameter) from a least-squares line through the star's work times over N, the
 * loopback link's latency and bandwidth from a least-squares line through the star's wait less
 * compute, encode and decode over N. {@link LocalScaling} then applies the model to the 1 -> 2
 * partition scaling of {@code local[2]}.
 */
final class StepCostValidation {
  /** The measured network: MLP 784-256-128-10. */
  static final long P = 235_146;

  /** The measured global batch. */
  static final long B = 128;

  /**
   * The latency of one message hop in the projection: 0.2 ms, half the two wake-ups of a step that
   * docs/BENCHMARKS.md measured on this machine when it was quiet (0.3-0.45 ms), plus a switch's
   * few microseconds. The loopback fit's latency is not used: under load it is the scheduler's wait
   * for a core, not the transport's.
   */
  static final double PROJECTED_LATENCY_NS = 0.2e6;

  /** The cores of the machine measured on. */
  static final int CORES = 2;

  /** One row of {@link ChannelTraffic}'s output: medians over a fit's steps. */
  record Measured(
      int n,
      boolean tree,
      long bytesIn,
      long bytesOut,
      long messagesIn,
      long messagesOut,
      double waitMs,
      double workMs,
      double computeMs,
      double encodeMs) {}

  /**
   * {@code StepCostProbe --executors 4 --epochs 2} (a warm-up fit on the 4 executors first), star,
   * then the same with the tree (then {@code -Dspark.sparkgrad.fit.channel.tree=true}; now {@code
   * -Dspark.sparkgrad.fit.channel.treeMinPartitions=3}), 2026-12-07 16:18-16:24 UTC, load average
   * 7.7 to 12.4 on 2 vCPUs.
   */
  static final List<Measured> MEASURED =
      List.of(
          new Measured(1, false, 940_664, 940_604, 1, 1, 13.36, 0.68, 5.25, 0.104),
          new Measured(2, false, 1_881_328, 1_881_208, 2, 2, 30.90, 0.67, 8.37, 0.114),
          new Measured(3, false, 2_821_992, 2_821_812, 3, 3, 26.70, 0.95, 9.18, 0.124),
          new Measured(4, false, 3_762_656, 3_762_416, 4, 4, 37.94, 1.00, 11.01, 0.126),
          new Measured(1, true, 940_664, 940_604, 1, 1, 13.52, 0.69, 6.70, 0.127),
          new Measured(2, true, 1_881_328, 1_881_208, 2, 2, 22.53, 0.78, 9.18, 0.128),
          new Measured(3, true, 1_881_248, 940_604, 1, 1, 38.28, 0.64, 8.96, 0.169),
          new Measured(4, true, 1_881_248, 940_604, 1, 1, 39.97, 0.64, 9.76, 0.191));

  private StepCostValidation() {}

  /** The model whose constants fit {@link #MEASURED}'s star rows (loopback, {@link #CORES}). */
  static StepCostModel fitted() {
    List<Measured> star = MEASURED.stream().filter(m -> !m.tree()).toList();
    Measured one = star.get(0);
    double compute = one.computeMs() * 1e6 / (B * P);
    double codec = one.encodeMs() * 1e6 / StepCostModel.replyBytes(P, 0);
    double[] work = line(star, m -> m.workMs() * 1e6);
    double sum = Math.max(0, work[1]) / P;
    double update = (work[0] + Math.min(0, work[1])) / P;
    double reply = StepCostModel.replyBytes(P, 0);
    double[] net =
        line(star, m -> (m.waitMs() - m.computeMs() - m.encodeMs()) * 1e6 - m.n() * reply * codec);
    double latency = Math.max(0, net[0]) / 2;
    double perByte = net[1] / (StepCostModel.commandBytes(P, 0) + reply);
    double bandwidth = perByte > 0 ? 1 / perByte : Double.POSITIVE_INFINITY;
    return new StepCostModel(compute, codec, sum, update, latency, bandwidth, CORES);
  }

  /** Least squares {@code y = a + b n} over the rows: {a, b}. */
  private static double[] line(List<Measured> rows, ToDoubleFunction<Measured> y) {
    double sn = 0;
    double sy = 0;
    double snn = 0;
    double sny = 0;
    for (Measured m : rows) {
      double v = y.applyAsDouble(m);
      sn += m.n();
      sy += v;
      snn += (double) m.n() * m.n();
      sny += m.n() * v;
    }
    int k = rows.size();
    double b = (k * sny - sn * sy) / (k * snn - sn * sn);
    return new double[] {(sy - b * sn) / k, b};
  }

  /** Prints the constants, the validation table and the projection table. */
  public static void main(String[] args) {
    StepCostModel m = fitted();
    System.out.printf(
        Locale.ROOT,
        "constants (fitted to %d measured rows, loopback, %d vCPUs under load): compute %.4f"
            + " ns/sample/param, codec %.3f ns/byte, driver sum %.3f ns/param/partition, update"
            + " %.3f ns/param, latency %.3f ms/hop, loopback link %.2f bytes/ns%n",
        MEASURED.size(),
        CORES,
        m.computeNs(),
        m.codecNsPerByte(),
        m.sumNs(),
        m.updateNs(),
        m.latencyNs() / 1e6,
        m.linkBytesPerNs());
    validate(m);
    project(m);
    clusterScaling(m);
    LocalScaling.print(m, P, B);
  }

  private static void validate(StepCostModel m) {
    System.out.println(
        "\n== validation: measured / model, MLP 784-256-128-10 (P = 235,146), batch 128 ==");
    System.out.println(
        "mode  N  bytes in (meas/model)  bytes out (meas/model)  msgs in/out (meas/model)"
            + "  wait ms  work ms  compute ms  encode ms");
    double[] worst = {1, 1, 1, 1}; // wait, work, compute, encode
    for (Measured x : MEASURED) {
      StepCostModel.Traffic t = StepCostModel.driverTraffic(P, 0, x.n(), x.tree());
      Map<String, Double> terms = m.terms(P, B, x.n(), x.tree());
      double work = (terms.get("update") + (x.tree() ? 0 : terms.get("sum"))) / 1e6;
      double compute = terms.get("compute") / 1e6;
      boolean tree = StepCostModel.usesTree(x.tree(), x.n());
      long message = tree ? StepCostModel.sumsBytes(P, 0) : StepCostModel.replyBytes(P, 0);
      double encode = message * m.codecNsPerByte() / 1e6;
      double wait = m.stepNs(P, B, x.n(), x.tree()) / 1e6 - work;
      worst[0] = Math.max(worst[0], factor(x.waitMs(), wait));
      worst[1] = Math.max(worst[1], factor(x.workMs(), work));
      worst[2] = Math.max(worst[2], factor(x.computeMs(), compute));
      worst[3] = Math.max(worst[3], factor(x.encodeMs(), encode));
      System.out.printf(
          Locale.ROOT,
          "%-4s %2d  %9d/%-9d %s  %9d/%-9d %s  %d/%d vs %d/%d  %5.2f/%-5.2f %4.2f/%-4.2f"
              + " %5.2f/%-5.2f %5.3f/%-5.3f%n",
          x.tree() ? "tree" : "star",
          x.n(),
          x.bytesIn(),
          t.bytesIn(),
          x.bytesIn() == t.bytesIn() ? "=" : "!",
          x.bytesOut(),
          t.bytesOut(),
          x.bytesOut() == t.bytesOut() ? "=" : "!",
          x.messagesIn(),
          x.messagesOut(),
          t.messagesIn(),
          t.messagesOut(),
          x.waitMs(),
          wait,
          x.workMs(),
          work,
          x.computeMs(),
          compute,
          x.encodeMs(),
          encode);
    }
    System.out.printf(
        Locale.ROOT,
        "the model within a factor of the measured: wait %.2f, work %.2f, compute %.2f,"
            + " encode %.2f; bytes and messages exact where marked =%n",
        worst[0],
        worst[1],
        worst[2],
        worst[3]);
  }

  /**
   * The 1 -> 2 executor scaling of the star at the measured network: the fitted model (loopback,
   * this load) against the measured samples/s, and the 10 Gbit/s model, each with the batch from
   * which it reaches 1.6x.
   */
  private static void clusterScaling(StepCostModel fitted) {
    System.out.printf(
        Locale.ROOT,
        "%n== standalone cluster, 1 -> 2 executors, star, P = %d, batch %d ==%n"
            + "measured (samples/s of the star run, then the tree run): %.0f -> %.0f (%.2fx), %.0f ->"
            + " %.0f (%.2fx)%n",
        P,
        B,
        5555.0,
        3675.0,
        3675.0 / 5555,
        6058.0,
        4551.0,
        4551.0 / 6058);
    StepCostModel net = fitted.on(1.25, PROJECTED_LATENCY_NS, Integer.MAX_VALUE);
    for (StepCostModel m : List.of(fitted, net)) {
      double ratio = m.stepNs(P, B, 1, false) / m.stepNs(P, B, 2, false);
      long batch = 2;
      while (batch < (1 << 20)
          && m.stepNs(P, batch, 1, false) / m.stepNs(P, batch, 2, false) < 1.6) {
        batch += 2;
      }
      System.out.printf(
          Locale.ROOT,
          "model, %s: %.2fx at batch %d; 1.6x from batch %d%n",
          m == fitted ? "loopback as fitted" : "10 Gbit/s, 0.2 ms a hop, a core each",
          ratio,
          B,
          batch);
    }
  }

  private static double factor(double measured, double model) {
    return Math.max(measured / model, model / measured);
  }

  private static void project(StepCostModel fitted) {
    // 10 Gbit/s = 1.25 bytes/ns; one core per executor; PROJECTED_LATENCY_NS a hop.
    StepCostModel m = fitted.on(1.25, PROJECTED_LATENCY_NS, Integer.MAX_VALUE);
    System.out.println(
        "\n== projection: step ms (dominant term), 10 Gbit/s links, 0.2 ms a hop, one core per"
            + " executor, batch 128 per executor ==");
    System.out.println(
        "params  executors  star ms (dominant term)     samples/s  tree ms (dominant term)"
            + "     samples/s");
    for (long p : new long[] {1_000_000L, 50_000_000L}) {
      for (int n : new int[] {16, 64, 256}) {
        long batch = 128L * n;
        double star = m.stepNs(p, batch, n, false);
        double tree = m.stepNs(p, batch, n, true);
        System.out.printf(
            Locale.ROOT,
            "%5dM  %9d  %9.1f (%-15s)  %9.0f  %9.1f (%-15s)  %9.0f%n",
            p / 1_000_000,
            n,
            star / 1e6,
            m.dominant(p, batch, n, false),
            batch * 1e9 / star,
            tree / 1e6,
            m.dominant(p, batch, n, true),
            batch * 1e9 / tree);
      }
    }
    for (long p : new long[] {P, 1_000_000L, 50_000_000L}) {
      System.out.printf(
          Locale.ROOT,
          "the tree's step is shorter than the star's from %d executors at %d parameters%n",
          m.treeFasterFrom(p, 128, 1024),
          p);
    }
    System.out.println("\n== the projection's terms, ms ==");
    for (long p : new long[] {1_000_000L, 50_000_000L}) {
      for (int n : new int[] {16, 64, 256}) {
        for (boolean tree : new boolean[] {false, true}) {
          StringBuilder line =
              new StringBuilder(
                  String.format(
                      Locale.ROOT, "%2dM %3d %s:", p / 1_000_000, n, tree ? "tree" : "star"));
          m.terms(p, 128L * n, n, tree)
              .forEach((k, v) -> line.append(String.format(Locale.ROOT, "  %s %.1f", k, v / 1e6)));
          System.out.println(line);
        }
      }
    }
  }
}
