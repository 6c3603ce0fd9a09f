package org.sparkgrad.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkgrad.ml.NeuralNetClassifier;
import org.sparkgrad.ml.spark.StepTraffic;

/**
 * {@link StepCostProbe}'s {@code --executors N} part: the step channel's traffic at the driver per
 * step ({@link StepTraffic}) on a standalone cluster of {@code N} one-core workers ({@link
 * BenchCluster}), fitting {@code NeuralNetClassifier} 784-256-128-10 (235,146 parameters) at batch
 * 128 on 1, 2, ..., N partitions, one executor each. It prints, per partition count, the medians
 * over the steps after the first few of: the driver's payload bytes in and out, its messages in and
 * out, its wait for the replies and its own work between steps, and the slowest task's compute and
 * encode time, and the samples per second of the timed steps (batch over the mean of wait plus
 * work). Cores may be oversubscribed (4 one-core workers on 2 vCPUs): bytes and messages are exact;
 * times then include waiting for a core. {@link #runLocal} measures the same in {@code local[N]},
 * where the arrays move in memory and the connection carries only headers.
 */
final class ChannelTraffic {
  private static final int WARM_STEPS = 8;

  private ChannelTraffic() {}

  /** Starts the cluster, measures 1 to {@code executors} partitions, stops it. */
  static void run(int executors, int rows, int epochs) throws Exception {
    try (BenchCluster cluster = BenchCluster.fromTarget(executors, "1g")) {
      SparkSession spark =
          SparkSession.builder()
              .appName("step-channel-traffic")
              .master(cluster.masterUrl())
              .config("spark.jars", cluster.applicationJars())
              .config("spark.ui.enabled", "false")
              .config("spark.executor.memory", "700m")
              .config("spark.executor.cores", "1")
              .config("spark.cores.max", Integer.toString(executors))
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.sparkgrad.fit.transport", "channel")
              .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      try {
        measure(spark, executors, rows, epochs);
      } finally {
        spark.stop();
      }
    }
  }

  /** Measures 1 to {@code partitions} partitions in {@code local[partitions]}. */
  static void runLocal(int partitions, int rows, int epochs) {
    SparkSession spark =
        SparkSession.builder()
            .appName("step-channel-traffic-local")
            .master("local[" + partitions + "]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sparkgrad.fit.transport", "channel")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      measure(spark, partitions, rows, epochs);
    } finally {
      spark.stop();
    }
  }

  private static void measure(SparkSession spark, int executors, int rows, int epochs) {
    Dataset<Row> df = StepCostProbe.synthetic(spark, rows).cache();
    df.count();
    System.out.printf(
        "== step channel traffic at the driver, %s, NeuralNetClassifier"
            + " 784-256-128-10, batch 128, %d rows, medians over steps %d+ ==%n",
        spark.sparkContext().master().startsWith("local")
            ? spark.sparkContext().master()
            : "standalone " + executors + " x 1 core",
        rows,
        WARM_STEPS + 1);
    System.out.println(
        "executors  bytes in/step  bytes out/step  msgs in  msgs out  wait ms  work ms"
            + "  task compute ms (max)  task encode ms (max)  samples/s");
    // One untimed fit on every executor first: else the first partition count measured pays for
    // the JIT compiling the engine and the channel, and the later ones look faster than they are.
    fit(df, executors, epochs);
    for (int n = 1; n <= executors; n++) {
      List<StepTraffic> steps = Collections.synchronizedList(new ArrayList<>());
      StepTraffic.listen(steps::add);
      try {
        fit(df, n, epochs);
      } finally {
        StepTraffic.listen(null);
      }
      List<StepTraffic> timed =
          steps.size() > WARM_STEPS ? steps.subList(WARM_STEPS, steps.size()) : steps;
      if (timed.isEmpty()) {
        System.out.printf("%9d  no step went through the channel%n", n);
        continue;
      }
      System.out.printf(
          "%9d  %13d  %14d  %7d  %8d  %7.2f  %7.2f  %21.2f  %20.3f  %9.0f%n",
          n,
          median(timed, StepTraffic::bytesIn),
          median(timed, StepTraffic::bytesOut),
          median(timed, StepTraffic::messagesIn),
          median(timed, StepTraffic::messagesOut),
          median(timed, StepTraffic::waitNanos) / 1e6,
          median(timed, StepTraffic::workNanos) / 1e6,
          median(timed, t -> t.tasks().computeMax()) / 1e6,
          median(timed, t -> t.tasks().encodeMax()) / 1e6,
          samplesPerSecond(timed));
    }
  }

  private static void fit(Dataset<Row> df, int partitions, int epochs) {
    new NeuralNetClassifier()
        .setHiddenLayers(new int[] {256, 128})
        .setBatchSize(128)
        .setMaxEpochs(epochs)
        .setNumReplicas(partitions)
        .fit(df);
  }

  /** Batch 128 over the mean of wait plus work: the rate of the timed steps. */
  private static double samplesPerSecond(List<StepTraffic> steps) {
    long nanos = steps.stream().mapToLong(t -> t.waitNanos() + t.workNanos()).sum();
    return nanos == 0 ? 0 : 128.0 * steps.size() * 1e9 / nanos;
  }

  private static long median(List<StepTraffic> steps, ToLongFunction<StepTraffic> f) {
    long[] xs = steps.stream().mapToLong(f).sorted().toArray();
    return xs[xs.length / 2];
  }
}
