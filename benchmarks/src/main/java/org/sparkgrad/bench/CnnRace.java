package org.sparkgrad.bench;

import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.ml.NeuralNetClassifier;

/**
 * Issue 16's measure: a CNN through {@code NeuralNetClassifier} on Fashion-MNIST (the IDX files) on
 * {@code local[2]}, beside the same network in PyTorch on one thread in the same run. The network
 * is PyTorch's small CNN, conv16-pool-conv32-pool-linear (3x3 kernels with padding 1, ReLU, 2x2 max
 * pooling), trained with Adam (lr 1e-3) on batches of 128 as the network JSON below says; the 10k
 * test images are the fit's validation rows, so every epoch reports the test accuracy. Prints both
 * curves, the best test accuracy and the wall-clock time to {@value #TARGET} test accuracy.
 *
 * <p>Run after building (docs/BENCHMARKS.md): {@code benchmarks/run.sh org.sparkgrad.bench.CnnRace
 * [--epochs N] [--partitions N] [--data DIR] [--images DIR [--skip-idx]] [--skip-torch]} (the
 * options of {@link RaceOptions}; the MLlib and scaling ones do not apply). With {@code --images
 * DIR} the same fit runs a second time from PNG files read with Spark's image data source ({@link
 * FashionPngs}, written under {@code DIR} on first use), its {@code image} column as the features;
 * {@code --skip-idx} leaves out the fit from the IDX rows.
 */
public final class CnnRace {
  static final double TARGET = 0.88;

  /** [1, 28, 28] -> [16, 28, 28] -> [16, 14, 14] -> [32, 14, 14] -> [32, 7, 7] -> 1568 -> 10. */
  static final String NETWORK =
      "{\"layers\": ["
          + "{\"type\": \"conv2d\", \"in_channels\": 1, \"out_channels\": 16, \"kernel_size\": 3,"
          + " \"padding\": 1}, {\"type\": \"relu\"}, {\"type\": \"max_pool2d\", \"kernel_size\": 2},"
          + " {\"type\": \"conv2d\", \"in_channels\": 16, \"out_channels\": 32, \"kernel_size\": 3,"
          + " \"padding\": 1}, {\"type\": \"relu\"}, {\"type\": \"max_pool2d\", \"kernel_size\": 2},"
          + " {\"type\": \"flatten\"}, {\"type\": \"linear\", \"in_features\": 1568,"
          + " \"out_features\": 10}]}";

  private CnnRace() {}

  public static void main(String[] args) throws Exception {
    RaceOptions o = RaceOptions.parse(args);
    if (!FashionMnist.present(o.data)) {
      System.err.println(FashionMnist.howToInstall(o.data));
      System.exit(2);
    }
    System.out.println("== Fashion-MNIST CNN race: conv16-pool-conv32-pool-linear, local[2] ==");
    System.out.println("machine: " + Machine.describe());
    Machine.warnIfBlasTuned();
    System.out.println("sparkgrad engine: " + Backends.cpu().description());
    System.out.printf(
        Locale.ROOT,
        "settings: batch %d, Adam lr %s, %d epochs, seed %d, %d partitions%n",
        o.batchSize,
        o.lr,
        o.epochs,
        o.seed,
        o.partitions);
    SparkSession spark =
        SparkSession.builder()
            .appName("CnnRace")
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", Integer.toString(o.partitions))
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      race(spark, o);
    } finally {
      spark.stop();
    }
    System.out.println("machine at the end: " + Machine.describe());
  }

  private static void race(SparkSession spark, RaceOptions o) throws Exception {
    if (o.skipIdx && o.images == null) {
      throw new IllegalArgumentException("--skip-idx needs --images DIR");
    }
    SparkgradRun.Result ours = o.skipIdx ? null : fitIdx(spark, o);
    SparkgradRun.Result fromPngs = null;
    if (o.images != null) {
      FashionPngs.ensureWritten(o.data, o.images);
      Dataset<Row> images = FashionPngs.cached(spark, o.images, o.partitions);
      String pngName = "Sparkgrad CNN from PNG files (local[2], " + o.partitions + " p)";
      System.out.println("\n-- " + pngName);
      fromPngs =
          SparkgradRun.fit(
              classifier(o).setFeaturesCol(FashionPngs.IMAGE), images, RaceData.IS_TEST, pngName);
      images.unpersist(true);
    }
    Curve torch = null;
    if (!o.skipTorch) {
      String why = TorchBaseline.unavailableReason();
      if (why != null) {
        System.out.println("\nnote: PyTorch skipped: " + why);
      } else {
        System.out.println("\n-- PyTorch CNN, one thread, the BLAS Debian's torch links");
        torch = TorchRace.run(o, null, "PyTorch CNN (1 thread)", "cnn");
      }
    }
    System.out.println("\n== results ==");
    if (ours != null) {
      report(ours.curve(), String.format(Locale.ROOT, "fit %.1f s in all", ours.fitSeconds()));
      report(ours.fromFirstStep(), "");
    }
    if (fromPngs != null) {
      report(
          fromPngs.curve(), String.format(Locale.ROOT, "fit %.1f s in all", fromPngs.fitSeconds()));
    }
    if (torch != null) {
      report(torch, "");
    }
    if (torch != null && ours != null) {
      double a = ours.fromFirstStep().timeTo(TARGET);
      double b = torch.timeTo(TARGET);
      System.out.printf(
          Locale.ROOT,
          "time to %.2f: Sparkgrad %s, PyTorch %s, ratio %s%n",
          TARGET,
          seconds(a),
          seconds(b),
          Double.isNaN(a) || Double.isNaN(b) ? "n/a" : String.format(Locale.ROOT, "%.2fx", a / b));
    }
  }

  private static SparkgradRun.Result fitIdx(SparkSession spark, RaceOptions o) {
    Dataset<Row> df = RaceData.cached(spark, o.data, o.partitions, true);
    System.out.println(
        "data: " + df.count() + " rows in " + df.rdd().getNumPartitions() + " partitions");
    NeuralNetClassifier c =
        classifier(o).setFeaturesCol(RaceData.FEATURES).setInputShape(new int[] {1, 28, 28});
    String name = "Sparkgrad CNN (local[2], " + o.partitions + " p)";
    System.out.println("\n-- " + name);
    SparkgradRun.Result ours = SparkgradRun.fit(c, df, RaceData.IS_TEST, name);
    df.unpersist(true);
    return ours;
  }

  private static NeuralNetClassifier classifier(RaceOptions o) {
    return new NeuralNetClassifier()
        .setLabelCol(RaceData.LABEL)
        .setNetwork(NETWORK)
        .setOptimizer("adam")
        .setLearningRate(o.lr)
        .setBatchSize(o.batchSize)
        .setMaxEpochs(o.epochs)
        .setSeed(o.seed);
  }

  private static void report(Curve c, String note) {
    System.out.print(c.describe());
    System.out.printf(
        Locale.ROOT,
        "  best test accuracy %.4f, time to %.2f: %s, %.0f samples/s%s%n",
        c.bestAccuracy(),
        TARGET,
        seconds(c.timeTo(TARGET)),
        c.samplesPerSecond(),
        note.isEmpty() ? "" : ", " + note);
  }

  private static String seconds(double s) {
    return Double.isNaN(s) ? "not reached" : String.format(Locale.ROOT, "%.1f s", s);
  }
}
