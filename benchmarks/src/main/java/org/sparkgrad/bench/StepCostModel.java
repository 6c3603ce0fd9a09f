package org.sparkgrad.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A cost model of one synchronous step through the step channel, star or reduction tree, as a
 * function of the parameters {@code P}, the global batch {@code B}, the executors {@code N} (one
 * partition each) and the link bandwidth: so that what {@link ChannelTraffic} measures at 1 to 4
 * executors can be checked against a formula, and the formula projected to clusters this machine
 * cannot hold. docs/PERFORMANCE.md ("Cost model of a step") states it and its tables; {@link
 * StepCostValidation} fits the constants to a measurement and prints both tables ({@link #main}).
 *
 * <p>Bytes are exact (the step channel's message layouts, {@code StepProtocol}): a command carries
 * {@code 16 + 4P + 4 + 4b} bytes (header, float32 weights, buffer count and {@code b} float32
 * buffers), a partition's reply {@code 76 + 4P + 4 + 4b}, a tree node's sums {@code 76 + 8P + 4 +
 * 4b} (double precision, for the fixed-order exact sum). The star's driver sends N commands and
 * receives N replies; the tree (3 or more partitions) has the driver send one command to the root
 * and receive one sums message, each inner node forwarding the command to its two children and
 * receiving their two sums, {@code floor(log2 N)} levels deep.
 *
 * <p>Times are the critical path of a step: the commands out over the sender's link, the slowest
 * task's compute ({@code ceil(B/N)} rows, {@code P} parameters, slowed by {@code N / cores} where
 * executors share cores), its encode, the replies or sums in over the receiver's link and their
 * decode, the sums (the driver's over N partitions in the star, each level's over 2 children in the
 * tree) and the driver's update (scaling, finiteness check, optimizer, weights copy), and one
 * latency per message hop each way. A link moves one message at a time (a node's N or 2 sends and
 * receives are serial on its network interface), and no level of the tree starts before the one
 * below it has sent all of its sums: the tree is not pipelined in chunks.
 *
 * @param computeNs a task's forward and backward, per sample per parameter
 * @param codecNsPerByte writing or reading a message's arrays, per byte (the same bulk copy)
 * @param sumNs adding one partition's value into the double-precision sum, per value
 * @param updateNs the driver's work after the sum, per parameter
 * @param latencyNs one message's fixed cost, per hop (transport, wake-up, wire)
 * @param linkBytesPerNs a link's bandwidth, bytes per nanosecond (10 Gbit/s is 1.25)
 * @param cores the cores the executors share (their compute slows by {@code N / cores} beyond)
 */
public record StepCostModel(
    double computeNs,
    double codecNsPerByte,
    double sumNs,
    double updateNs,
    double latencyNs,
    double linkBytesPerNs,
    int cores) {

  /** The fewest partitions the step channel sums through the tree. */
  static final int TREE_MIN_PARTITIONS = 3;

  /** The driver's traffic per step: payload bytes and messages, in and out. */
  public record Traffic(long bytesIn, long bytesOut, long messagesIn, long messagesOut) {}

  /** A command's payload: header, {@code p} float32 weights, {@code b} float32 buffers. */
  public static long commandBytes(long p, long b) {
    return 16 + 4 * p + 4 + 4 * b;
  }

  /** A partition's reply: header, {@code p} float32 gradient values, {@code b} buffers. */
  public static long replyBytes(long p, long b) {
    return 76 + 4 * p + 4 + 4 * b;
  }

  /** A tree node's sums: header, {@code p} double-precision sums, {@code b} buffers. */
  public static long sumsBytes(long p, long b) {
    return 76 + 8 * p + 4 + 4 * b;
  }

  /** Whether {@code n} partitions sum through the tree when it is asked for. */
  public static boolean usesTree(boolean tree, int n) {
    return tree && n >= TREE_MIN_PARTITIONS;
  }

  /** The tree's levels below the root: {@code floor(log2 n)}. */
  public static int depth(int n) {
    return 31 - Integer.numberOfLeadingZeros(Math.max(1, n));
  }

  /** The driver's traffic per step with {@code p} parameters, {@code b} buffers, {@code n}. */
  public static Traffic driverTraffic(long p, long b, int n, boolean tree) {
    if (usesTree(tree, n)) {
      return new Traffic(sumsBytes(p, b), commandBytes(p, b), 1, 1);
    }
    return new Traffic(n * replyBytes(p, b), n * commandBytes(p, b), n, n);
  }

  /**
   * The step's time terms in nanoseconds, in the order of the critical path, for {@code p}
   * parameters, global batch {@code batch}, {@code n} executors: weights out, latency, compute,
   * encode, gradients in, decode, sum, update. Their total is the step time.
   */
  public Map<String, Double> terms(long p, long batch, int n, boolean tree) {
    Map<String, Double> t = new LinkedHashMap<>();
    double cmd = commandBytes(p, 0);
    double rows = Math.ceil((double) batch / n);
    double compute = rows * p * computeNs * Math.max(1.0, (double) n / cores);
    if (usesTree(tree, n)) {
      int d = depth(n);
      double sums = sumsBytes(p, 0);
      t.put("weights out", (cmd + 2.0 * d * cmd) / linkBytesPerNs);
      t.put("latency", 2.0 * (d + 1) * latencyNs);
      t.put("compute", compute);
      t.put("encode", (d + 1) * sums * codecNsPerByte);
      t.put("gradients in", (2.0 * d + 1) * sums / linkBytesPerNs);
      t.put("decode", (2.0 * d + 1) * sums * codecNsPerByte);
      t.put("sum", 2.0 * d * p * sumNs);
    } else {
      double reply = replyBytes(p, 0);
      t.put("weights out", n * cmd / linkBytesPerNs);
      t.put("latency", 2.0 * latencyNs);
      t.put("compute", compute);
      t.put("encode", reply * codecNsPerByte);
      t.put("gradients in", n * reply / linkBytesPerNs);
      t.put("decode", n * reply * codecNsPerByte);
      t.put("sum", (double) n * p * sumNs);
    }
    t.put("update", p * updateNs);
    return t;
  }

  /** The step time in nanoseconds: the sum of {@link #terms}. */
  public double stepNs(long p, long batch, int n, boolean tree) {
    return terms(p, batch, n, tree).values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** The largest of {@link #terms}, named with its share of the step. */
  public String dominant(long p, long batch, int n, boolean tree) {
    Map<String, Double> t = terms(p, batch, n, tree);
    double total = t.values().stream().mapToDouble(Double::doubleValue).sum();
    Map.Entry<String, Double> max =
        t.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    return String.format(Locale.ROOT, "%s %.0f%%", max.getKey(), 100 * max.getValue() / total);
  }

  /**
   * The fewest executors (of {@code 3..maxExecutors}) from which the tree's step is shorter than
   * the star's at {@code batchPerExecutor} rows each, or -1 if it never is.
   */
  public int treeFasterFrom(long p, long batchPerExecutor, int maxExecutors) {
    for (int n = TREE_MIN_PARTITIONS; n <= maxExecutors; n++) {
      long batch = batchPerExecutor * n;
      if (stepNs(p, batch, n, true) < stepNs(p, batch, n, false)) {
        return n;
      }
    }
    return -1;
  }

  /** This model on another network: {@code bytesPerNs} per link and {@code cores} cores. */
  public StepCostModel on(double bytesPerNs, double latency, int cores) {
    return new StepCostModel(
        computeNs, codecNsPerByte, sumNs, updateNs, latency, bytesPerNs, cores);
  }

  /** Prints the validation against the measurement and the projection (docs/PERFORMANCE.md). */
  public static void main(String[] args) {
    StepCostValidation.main(args);
  }
}
