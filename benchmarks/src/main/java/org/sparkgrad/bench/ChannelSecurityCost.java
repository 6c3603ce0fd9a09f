package org.sparkgrad.bench;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkgrad.ml.NeuralNetClassifier;
import org.sparkgrad.ml.train.EpochStats;

/**
 * {@link StepCostProbe}'s {@code --security} part: the step channel's cost per step with Spark's
 * authentication and AES encryption ({@code spark.authenticate}, {@code
 * spark.network.crypto.enabled}) beside the same channel without them, fitting {@code
 * NeuralNetClassifier} 784-256-128-10 on 2 partitions in {@code local[2]}. Both sessions set {@code
 * spark.sparkgrad.fit.channel.inMemory=false}, so that the weights and gradients (235,146 floats
 * each way per partition and step) cross the connection as they do from executors in other JVMs,
 * and encryption has the arrays to encrypt. One session after the other (a JVM holds one
 * SparkContext); medians over rounds of one epoch each.
 */
final class ChannelSecurityCost {
  private ChannelSecurityCost() {}

  /** Prints ms/step, plain and encrypted, at batch 2 (fixed cost) and 128, and their ratios. */
  static void run(int reps) {
    System.out.println(
        "== step channel security, NeuralNetClassifier 784-256-128-10, local[2], 2 partitions,"
            + " arrays through the connection, ms/step ==");
    int[] batches = {2, 128};
    double[] plain = measure(false, batches, reps);
    double[] secure = measure(true, batches, reps);
    for (int i = 0; i < batches.length; i++) {
      System.out.printf(
          "batch %4d: plain %7.2f ms/step, authenticated + AES-encrypted %7.2f ms/step, ratio"
              + " %.2fx%n",
          batches[i], plain[i], secure[i], secure[i] / plain[i]);
    }
  }

  private static double[] measure(boolean secure, int[] batches, int reps) {
    SparkSession.Builder b =
        SparkSession.builder()
            .master("local[2]")
            .appName("step-channel-security")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sparkgrad.fit.transport", "channel")
            .config("spark.sparkgrad.fit.channel.inMemory", "false");
    if (secure) {
      b.config("spark.authenticate", "true")
          .config("spark.authenticate.secret", "step-cost-probe")
          .config("spark.network.crypto.enabled", "true");
    }
    SparkSession spark = b.getOrCreate();
    try {
      spark.sparkContext().setLogLevel("WARN");
      Dataset<Row> df = StepCostProbe.synthetic(spark, 8192).cache();
      df.count();
      fit(df, 16, 2, new ArrayList<>()); // the JIT's warm-up, untimed
      double[] out = new double[batches.length];
      for (int i = 0; i < batches.length; i++) {
        List<Double> perStep = new ArrayList<>();
        for (int r = 0; r < Math.max(3, reps / 10); r++) {
          List<EpochStats> epochs = new ArrayList<>();
          fit(batches[i] == 2 ? df.limit(400) : df, batches[i], 1, epochs);
          EpochStats e = epochs.get(0);
          perStep.add(e.seconds() * 1000 / e.steps());
        }
        perStep.sort(null);
        out[i] = perStep.get(perStep.size() / 2);
        System.out.printf(
            "%-9s batch %4d: median %7.2f ms/step  (all: %s)%n",
            secure ? "encrypted" : "plain", batches[i], out[i], StepCostProbe.fmt(perStep));
      }
      return out;
    } finally {
      spark.stop();
    }
  }

  private static void fit(Dataset<Row> df, int batch, int epochs, List<EpochStats> into) {
    new NeuralNetClassifier()
        .setHiddenLayers(new int[] {256, 128})
        .setBatchSize(batch)
        .setMaxEpochs(epochs)
        .setNumReplicas(2)
        .setShuffle(true)
        .setTrainingListener(into::add)
        .fit(df);
  }
}
