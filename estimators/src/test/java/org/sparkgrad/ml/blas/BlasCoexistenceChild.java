package org.sparkgrad.ml.blas;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.ml.NeuralNetClassifier;
import org.sparkgrad.tensor.Generator;

/**
 * A notebook that mixes Sparkgrad and MLlib's BLAS users in one JVM, as {@link BlasCoexistenceTest}
 * runs it in a child JVM per BLAS set-up and load order.
 *
 * <p>Arguments: the order ({@code sparkgrad-first} or {@code mllib-first}) and the file for the
 * results. {@code mllib-first} fits MLlib's learners before any Sparkgrad class is loaded (the
 * results of MLlib alone), then Sparkgrad, then MLlib's learners again; {@code sparkgrad-first}
 * fits Sparkgrad first. Both end with a Sparkgrad fit and MLlib's perceptron running at the same
 * time on the two task threads of {@code local[2]}. Each MLlib result is written as one line,
 * {@code phase.learner v1 v2 ...}, with the numbers in full precision.
 */
public final class BlasCoexistenceChild {
  private BlasCoexistenceChild() {}

  public static void main(String[] args) throws Exception {
    String order = args[0];
    Path out = Path.of(args[1]);
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("blas-coexistence")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    Dataset<Row> digits = digits(spark).cache();
    Dataset<Row> ratings = ratings(spark).cache();
    Map<String, double[]> results = new LinkedHashMap<>();
    if (order.equals("mllib-first")) {
      mllib("alone", digits, ratings, results);
      sparkgrad(digits);
      mllib("after", digits, ratings, results);
    } else if (order.equals("sparkgrad-first")) {
      sparkgrad(digits);
      mllib("after", digits, ratings, results);
    } else {
      throw new IllegalArgumentException("order must be sparkgrad-first or mllib-first: " + order);
    }
    results.put("concurrent.mlp", concurrently(digits));
    System.out.println("sparkgrad: " + Backends.cpu().description());
    System.out.println("netlib BLAS: " + BLAS.getInstance().getClass().getSimpleName());
    System.out.println("netlib LAPACK: " + LAPACK.getInstance().getClass().getSimpleName());
    List<String> lines = new ArrayList<>();
    results.forEach(
        (k, v) ->
            lines.add(
                k
                    + " "
                    + Arrays.stream(v)
                        .mapToObj(Double::toString)
                        .collect(Collectors.joining(" "))));
    Files.write(out, lines, StandardCharsets.UTF_8);
    spark.stop();
  }

  /** Digits-sized data: 1,000 rows of 64 features in 10 noisy classes, seeded. */
  static Dataset<Row> digits(SparkSession spark) {
    Generator g = new Generator(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      int c = i % 10;
      double[] x = new double[64];
      for (int j = 0; j < 64; j++) {
        x[j] = g.nextGaussian() + ((j % 10) == c ? 2.0 : 0.0);
      }
      rows.add(RowFactory.create(Vectors.dense(x), (double) c));
    }
    StructType schema =
        new StructType()
            .add("features", SQLDataTypes.VectorType(), false)
            .add("label", DataTypes.DoubleType, false);
    return spark.createDataFrame(rows, schema).repartition(2);
  }

  /** Ratings of 60 users for 40 items from rank-3 factors, seeded. */
  static Dataset<Row> ratings(SparkSession spark) {
    Generator g = new Generator(11);
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 60; u++) {
      for (int i = 0; i < 40; i++) {
        if ((u * 7 + i * 3) % 4 != 0) {
          rows.add(RowFactory.create(u, i, (float) (3 + g.nextGaussian())));
        }
      }
    }
    StructType schema =
        new StructType()
            .add("user", DataTypes.IntegerType, false)
            .add("item", DataTypes.IntegerType, false)
            .add("rating", DataTypes.FloatType, false);
    return spark.createDataFrame(rows, schema).repartition(2);
  }

  private static void sparkgrad(Dataset<Row> digits) {
    new NeuralNetClassifier()
        .setHiddenLayers(new int[] {64})
        .setMaxEpochs(1)
        .setSeed(3)
        .fit(digits)
        .transform(digits)
        .count();
  }

  private static double[] mlp(Dataset<Row> digits) {
    return new MultilayerPerceptronClassifier()
        .setLayers(new int[] {64, 64, 10})
        .setMaxIter(8)
        .setSeed(5)
        .fit(digits)
        .weights()
        .toArray();
  }

  /** Fits each of MLlib's BLAS and LAPACK users and records what it learned. */
  private static void mllib(
      String phase, Dataset<Row> digits, Dataset<Row> ratings, Map<String, double[]> results) {
    results.put(phase + ".mlp", mlp(digits));
    results.put(
        phase + ".logistic",
        new LogisticRegression().setMaxIter(8).fit(digits).coefficientMatrix().toArray());
    Vector[] centres = new KMeans().setK(5).setSeed(9).setMaxIter(6).fit(digits).clusterCenters();
    results.put(phase + ".kmeans", concat(centres));
    Matrix pc = new PCA().setInputCol("features").setK(4).fit(digits).pc();
    results.put(phase + ".pca", pc.toArray());
    Dataset<Row> users =
        new ALS()
            .setRank(4)
            .setMaxIter(3)
            .setSeed(13)
            .setUserCol("user")
            .setItemCol("item")
            .setRatingCol("rating")
            .fit(ratings)
            .userFactors()
            .orderBy("id");
    List<Double> factors = new ArrayList<>();
    for (Row r : users.collectAsList()) {
      for (Object f : r.getList(1)) {
        factors.add(((Number) f).doubleValue());
      }
    }
    results.put(phase + ".als", factors.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** A Sparkgrad fit and MLlib's perceptron at once, from two driver threads. */
  private static double[] concurrently(Dataset<Row> digits) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> ours = pool.submit(() -> sparkgrad(digits));
      Future<double[]> theirs = pool.submit(() -> mlp(digits));
      ours.get();
      return theirs.get();
    } finally {
      pool.shutdown();
    }
  }

  private static double[] concat(Vector[] vs) {
    return Arrays.stream(vs).flatMapToDouble(v -> Arrays.stream(v.toArray())).toArray();
  }
}
