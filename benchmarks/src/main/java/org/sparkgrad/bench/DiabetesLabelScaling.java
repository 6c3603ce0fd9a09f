package org.sparkgrad.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.NeuralNetRegressor;

/**
 * The regressor's {@code labelScaling} on scikit-learn's diabetes data set (442 rows, 10 features,
 * a target of mean 152 and std 77), as Debian's {@code python3-sklearn} ships it: test RMSE of
 * {@code labelScaling=auto} and {@code none}, beside PyTorch 1.13 on the standardised and the raw
 * target with the same split (every fifth row is a test row), standardised features, MLP (10-64-1,
 * ReLU), Adam 1e-3, batch 32 and epochs, in the same run.
 *
 * <pre>benchmarks/run.sh org.sparkgrad.bench.DiabetesLabelScaling [--data DIR] [--epochs N]</pre>
 */
public final class DiabetesLabelScaling {
  /** Where {@code apt-get install python3-sklearn} puts the data files. */
  static final Path DEFAULT_DIR = Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data");

  private DiabetesLabelScaling() {}

  public static void main(String[] args) throws Exception {
    Path dir = DEFAULT_DIR;
    int epochs = 50;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> dir = Path.of(args[++i]);
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path xFile = dir.resolve("diabetes_data_raw.csv.gz");
    Path yFile = dir.resolve("diabetes_target.csv.gz");
    if (!Files.isRegularFile(xFile) || !Files.isRegularFile(yFile)) {
      System.err.println(
          "diabetes data not found in "
              + dir
              + "; install it with: sudo apt-get install python3-sklearn, or pass --data DIR");
      System.exit(2);
    }
    double[][] x = read(xFile);
    double[][] y = read(yFile);
    SparkSession spark =
        SparkSession.builder().master("local[2]").appName("diabetes-label-scaling").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    List<Row> train = new ArrayList<>();
    List<Row> test = new ArrayList<>();
    double[][] z = standardise(x);
    for (int i = 0; i < x.length; i++) {
      (i % 5 == 0 ? test : train).add(RowFactory.create(Vectors.dense(z[i]), y[i][0]));
    }
    StructType schema =
        new StructType()
            .add("features", SQLDataTypes.VectorType(), false)
            .add("label", DataTypes.DoubleType, false);
    Dataset<Row> trainDf = spark.createDataFrame(train, schema).cache();
    Dataset<Row> testDf = spark.createDataFrame(test, schema).cache();
    for (String scaling : List.of("auto", "none")) {
      NeuralNetRegressor r =
          new NeuralNetRegressor()
              .setHiddenLayers(new int[] {64})
              .setBatchSize(32)
              .setMaxEpochs(epochs)
              .setSeed(0)
              .setLabelScaling(scaling);
      double rmse = new RegressionEvaluator().evaluate(r.fit(trainDf).transform(testDf));
      System.out.printf(Locale.ROOT, "sparkgrad labelScaling=%s test RMSE %.2f%n", scaling, rmse);
    }
    spark.stop();
    torch(dir, epochs);
  }

  /** Features standardised with the training rows' (every row not a fifth) mean and std. */
  private static double[][] standardise(double[][] x) {
    int d = x[0].length;
    double[] mean = new double[d];
    double[] sq = new double[d];
    int n = 0;
    for (int i = 0; i < x.length; i++) {
      if (i % 5 != 0) {
        n++;
        for (int j = 0; j < d; j++) {
          mean[j] += x[i][j];
          sq[j] += x[i][j] * x[i][j];
        }
      }
    }
    double[][] z = new double[x.length][d];
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
      double std = Math.sqrt(sq[j] / n - mean[j] * mean[j]);
      for (int i = 0; i < x.length; i++) {
        z[i][j] = (x[i][j] - mean[j]) / std;
      }
    }
    return z;
  }

  private static double[][] read(Path gz) throws IOException {
    List<double[]> rows = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.strip().split("\\s+", -1);
        double[] v = new double[parts.length];
        for (int j = 0; j < v.length; j++) {
          v[j] = Double.parseDouble(parts[j]);
        }
        rows.add(v);
      }
    }
    return rows.toArray(new double[0][]);
  }

  /** Runs the PyTorch baseline, echoing its lines, if PyTorch is installed. */
  private static void torch(Path dir, int epochs) throws IOException, InterruptedException {
    String reason = TorchBaseline.unavailableReason();
    if (reason != null) {
      System.out.println("pytorch baseline skipped: " + reason);
      return;
    }
    Path script = Files.createTempFile("sparkgrad-diabetes-", ".py");
    try {
      try (InputStream in = DiabetesLabelScaling.class.getResourceAsStream("diabetes_torch.py")) {
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
      ProcessBuilder pb =
          new ProcessBuilder(
                  TorchBaseline.PYTHON, script.toString(), dir.toString(), Integer.toString(epochs))
              .redirectErrorStream(true);
      Process p = pb.start();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          System.out.println("pytorch " + line);
        }
      }
      p.waitFor();
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
