package org.sparkgrad.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.NeuralNetClassificationModel;
import org.sparkgrad.ml.NeuralNetClassifier;

/**
 * The estimators' GPU check (issue 20, part 1): {@code fit} and {@code transform} of a {@code
 * NeuralNetClassifier} with {@code device=gpu} on {@code local[2]}, against the same fit with
 * {@code device=cpu}, for an MLP (784-256-128-10) and a CNN (conv 8, pool, conv 16, pool, linear)
 * on the same generated 28x28 data (10 classes of noisy class templates). Same seed, so the same
 * initial weights, minibatches and dropout-free steps: the two models may differ only by float
 * summation order. Prints, per network, the fit and transform times on each device, the largest
 * weight difference, the largest probability difference and how many predictions agree; exits 1
 * when a difference passes its tolerance (weights 1e-3 relative to the largest weight,
 * probabilities 1e-3, predictions 99.5%), 0 when both networks pass.
 *
 * <p>Run: {@code java -cp ... org.sparkgrad.bench.GpuFitCheck [--rows 4096] [--epochs 3] [--devices
 * cpu,gpu] [--precision float32]}; {@code --devices cpu,cpu} runs the whole path without a GPU (the
 * bundle builder uses it to find the classes a fit loads). {@code --precision} sets both fits'
 * {@code precision} param: with {@code bf16} the CPU and the GPU round alike, so the same
 * tolerances hold; {@code fp16} is refused on the CPU, so it runs as {@code --devices gpu,gpu} (fit
 * time, loss and the steps its loss scaling skipped, in the log).
 */
public final class GpuFitCheck {
  static final double WEIGHT_TOLERANCE = 1e-3;
  static final double PROBABILITY_TOLERANCE = 1e-3;
  static final double AGREEMENT = 0.995;

  private GpuFitCheck() {}

  public static void main(String[] args) {
    int rows = 4096;
    int epochs = 3;
    String[] devices = {"cpu", "gpu"};
    String precision = "float32";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--devices" -> devices = args[++i].split(",", -1);
        case "--precision" -> precision = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (devices.length != 2) {
      throw new IllegalArgumentException("--devices takes two devices, e.g. cpu,gpu");
    }
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("GpuFitCheck")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    boolean pass = true;
    try {
      Dataset<Row> data = data(spark, rows, 11).repartition(2).cache();
      data.count();
      for (String net : List.of("mlp", "cnn")) {
        pass &= compare(net, classifier(net, epochs).setPrecision(precision), data, devices);
      }
    } finally {
      spark.stop();
    }
    System.out.println(pass ? "GpuFitCheck: PASS" : "GpuFitCheck: FAIL");
    System.exit(pass ? 0 : 1);
  }

  private static boolean compare(
      String net, NeuralNetClassifier c, Dataset<Row> data, String[] devices) {
    List<Run> runs = new ArrayList<>();
    for (String device : devices) {
      runs.add(Run.of(c.copy(new org.apache.spark.ml.param.ParamMap()).setDevice(device), data));
    }
    Run a = runs.get(0);
    Run b = runs.get(1);
    double wmax = 0;
    double wdiff = 0;
    for (int i = 0; i < a.weights.length; i++) {
      wmax = Math.max(wmax, Math.abs(a.weights[i]));
      wdiff = Math.max(wdiff, Math.abs(a.weights[i] - b.weights[i]));
    }
    double pdiff = 0;
    int agree = 0;
    for (int i = 0; i < a.probabilities.size(); i++) {
      double[] pa = a.probabilities.get(i);
      double[] pb = b.probabilities.get(i);
      for (int k = 0; k < pa.length; k++) {
        pdiff = Math.max(pdiff, Math.abs(pa[k] - pb[k]));
      }
      agree += a.predictions.get(i).equals(b.predictions.get(i)) ? 1 : 0;
    }
    double agreement = (double) agree / a.predictions.size();
    boolean ok =
        wdiff <= WEIGHT_TOLERANCE * Math.max(1, wmax)
            && pdiff <= PROBABILITY_TOLERANCE
            && agreement >= AGREEMENT;
    System.out.printf(
        Locale.ROOT,
        "%s (%s): fit %s %.2f s, %s %.2f s; transform %s %.2f s, %s %.2f s; %d weights, max |dw| %.3g"
            + " (largest |w| %.3g); max |dp| %.3g; predictions agree %d/%d; train loss %.4f vs"
            + " %.4f: %s%n",
        net,
        c.getPrecision(),
        devices[0],
        a.fitSeconds,
        devices[1],
        b.fitSeconds,
        devices[0],
        a.transformSeconds,
        devices[1],
        b.transformSeconds,
        a.weights.length,
        wdiff,
        wmax,
        pdiff,
        agree,
        a.predictions.size(),
        a.lastLoss,
        b.lastLoss,
        ok ? "PASS" : "FAIL");
    return ok;
  }

  /** The two networks, with plain SGD so that steps differ only by rounding. */
  static NeuralNetClassifier classifier(String net, int epochs) {
    NeuralNetClassifier c =
        new NeuralNetClassifier()
            .setOptimizer("sgd")
            .setLearningRate(0.05)
            .setBatchSize(128)
            .setMaxEpochs(epochs)
            .setSeed(5);
    if (net.equals("mlp")) {
      return c.setHiddenLayers(new int[] {256, 128}).setActivation("relu");
    }
    return c.setInputShape(new int[] {1, 28, 28})
        .setNetwork(
            "{\"layers\": ["
                + "{\"type\": \"conv2d\", \"in_channels\": 1, \"out_channels\": 8,"
                + " \"kernel_size\": 3, \"padding\": 1},"
                + "{\"type\": \"relu\"}, {\"type\": \"max_pool2d\", \"kernel_size\": 2},"
                + "{\"type\": \"conv2d\", \"in_channels\": 8, \"out_channels\": 16,"
                + " \"kernel_size\": 3, \"padding\": 1},"
                + "{\"type\": \"relu\"}, {\"type\": \"max_pool2d\", \"kernel_size\": 2},"
                + "{\"type\": \"flatten\"},"
                + "{\"type\": \"linear\", \"in_features\": 784, \"out_features\": 10}]}");
  }

  /** {@code rows} 28x28 rows of 10 classes: a random template per class plus noise. */
  static Dataset<Row> data(SparkSession spark, int rows, long seed) {
    Random r = new Random(seed);
    double[][] templates = new double[10][784];
    for (double[] t : templates) {
      for (int j = 0; j < t.length; j++) {
        t[j] = r.nextDouble();
      }
    }
    List<Row> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      int label = r.nextInt(10);
      double[] x = new double[784];
      for (int j = 0; j < x.length; j++) {
        x[j] = templates[label][j] + 0.8 * r.nextGaussian();
      }
      out.add(RowFactory.create(Vectors.dense(x), (double) label));
    }
    StructType schema =
        new StructType()
            .add("features", new VectorUDT(), false)
            .add("label", DataTypes.DoubleType, false);
    return spark.createDataFrame(out, schema);
  }

  /** One fit and transform on one device. */
  private record Run(
      double fitSeconds,
      double transformSeconds,
      float[] weights,
      List<double[]> probabilities,
      List<Double> predictions,
      double lastLoss) {
    static Run of(NeuralNetClassifier c, Dataset<Row> data) {
      long t0 = System.nanoTime();
      NeuralNetClassificationModel m = c.fit(data);
      long t1 = System.nanoTime();
      List<Row> scored =
          m.setDevice(c.getDevice())
              .transform(data)
              .select("probability", "prediction")
              .collectAsList();
      long t2 = System.nanoTime();
      List<double[]> p = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (Row row : scored) {
        p.add(((Vector) row.get(0)).toArray());
        y.add(row.getDouble(1));
      }
      var epochs = m.summary().epochs();
      return new Run(
          (t1 - t0) / 1e9,
          (t2 - t1) / 1e9,
          m.weights(),
          p,
          y,
          epochs.get(epochs.size() - 1).trainLoss());
    }
  }
}
