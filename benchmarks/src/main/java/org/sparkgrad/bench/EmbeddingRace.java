package org.sparkgrad.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparkgrad.ml.ModuleFactory;
import org.sparkgrad.ml.NeuralNetClassifier;
import org.sparkgrad.nn.Embedding;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.MultiInputModule;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * Issue 16's second measure: an embedding model on a table with categorical columns beside the
 * one-hot MLP on the same data, both through {@code NeuralNetClassifier} on {@code local[2]}, same
 * run, same optimizer and epochs. The table is generated: {@code store} (500 values), {@code
 * product} (300) and {@code weekday} (7) as int columns and 4 numeric features; the label is drawn
 * from {@code sigmoid(2 (u_store . v_product + b_weekday + w . x / 2))} with hidden 4-dimensional
 * store and product vectors, so a model must learn an interaction of two high-cardinality columns.
 * The Bayes accuracy (the generating probabilities' own accuracy on the test rows) is printed as
 * the ceiling.
 *
 * <p>Run after building (docs/BENCHMARKS.md): {@code benchmarks/run.sh
 * org.sparkgrad.bench.EmbeddingRace [--rows N] [--epochs N]}.
 */
public final class EmbeddingRace {
  static final int STORES = 500;
  static final int PRODUCTS = 300;
  static final int WEEKDAYS = 7;
  static final int NUMERIC = 4;
  private static final int LATENT = 4;

  private EmbeddingRace() {}

  /** Embeddings of 8, 8 and 3 for the three columns, beside the numeric features, then 64-2. */
  public static final class TableModule extends MultiInputModule {
    private final Embedding store;
    private final Embedding product;
    private final Embedding weekday;
    private final Linear hidden;
    private final Linear out;

    public TableModule(Generator gen) {
      store = addModule("store", new Embedding(STORES, 8, gen));
      product = addModule("product", new Embedding(PRODUCTS, 8, gen));
      weekday = addModule("weekday", new Embedding(WEEKDAYS, 3, gen));
      hidden = addModule("hidden", new Linear(8 + 8 + 3 + NUMERIC, 64, gen));
      out = addModule("out", new Linear(64, 2, gen));
    }

    @Override
    public Tensor forward(Tensor... in) {
      expectInputs(in, 4);
      Tensor h =
          Tensor.cat(
              List.of(store.forward(in[0]), product.forward(in[1]), weekday.forward(in[2]), in[3]),
              1);
      return out.forward(hidden.forward(h).relu());
    }
  }

  /** The factory {@code setModuleClass} names. */
  public static final class TableModuleFactory implements ModuleFactory {
    private static final long serialVersionUID = 1L;

    @Override
    public Module create(Generator gen) {
      return new TableModule(gen);
    }
  }

  public static void main(String[] args) {
    int rows = 120_000;
    int epochs = 5;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[i + 1]);
        case "--epochs" -> epochs = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("options: --rows N  --epochs N");
      }
    }
    System.out.println("== Embedding vs one-hot MLP on a generated categorical table, local[2] ==");
    System.out.println("machine: " + Machine.describe());
    SparkSession spark =
        SparkSession.builder()
            .appName("EmbeddingRace")
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      race(spark, rows, epochs);
    } finally {
      spark.stop();
    }
  }

  private static void race(SparkSession spark, int rows, int epochs) {
    double[] bayes = new double[1];
    Dataset<Row> table = table(spark, rows, 7, bayes);
    System.out.printf(
        Locale.ROOT,
        "data: %d rows (1 in 6 test), Bayes accuracy on the test rows %.4f%n",
        rows,
        bayes[0]);
    NeuralNetClassifier embedding =
        base(epochs)
            .setFeaturesCols("store", "product", "weekday", "numeric")
            .setModuleClass(TableModuleFactory.class.getName());
    SparkgradRun.Result a = SparkgradRun.fit(embedding, table, RaceData.IS_TEST, "embedding");
    long embeddingParams = new TableModule(new Generator(0)).numParameters();

    Dataset<Row> encoded = oneHot(table);
    NeuralNetClassifier mlp =
        base(epochs)
            .setFeaturesCol("features")
            .setHiddenLayers(new int[] {64})
            .setActivation("relu");
    SparkgradRun.Result b = SparkgradRun.fit(mlp, encoded, RaceData.IS_TEST, "one-hot MLP");
    int width = STORES + PRODUCTS + WEEKDAYS - 3 + NUMERIC;
    long mlpParams = (long) width * 64 + 64 + 64 * 2 + 2;

    System.out.println("\n== results ==");
    report("embedding (8+8+3 dims)", a, embeddingParams);
    report("one-hot MLP (" + width + " inputs)", b, mlpParams);
    System.out.printf(Locale.ROOT, "Bayes accuracy (ceiling): %.4f%n", bayes[0]);
  }

  private static NeuralNetClassifier base(int epochs) {
    return new NeuralNetClassifier()
        .setLabelCol(RaceData.LABEL)
        .setOptimizer("adam")
        .setLearningRate(3e-3)
        .setBatchSize(256)
        .setMaxEpochs(epochs)
        .setSeed(0);
  }

  private static void report(String name, SparkgradRun.Result r, long params) {
    System.out.printf(
        Locale.ROOT,
        "%-28s best test accuracy %.4f, last %.4f, fit %.1f s, %.0f samples/s, %d parameters%n",
        name,
        r.curve().bestAccuracy(),
        r.epochs().get(r.epochs().size() - 1).validationMetric(),
        r.fitSeconds(),
        r.steadySamplesPerSecond(),
        params);
  }

  /** The one-hot encoding of the three columns, assembled with the numeric features. */
  private static Dataset<Row> oneHot(Dataset<Row> table) {
    OneHotEncoder enc =
        new OneHotEncoder()
            .setInputCols(new String[] {"store", "product", "weekday"})
            .setOutputCols(new String[] {"storeHot", "productHot", "weekdayHot"});
    VectorAssembler asm =
        new VectorAssembler()
            .setInputCols(new String[] {"storeHot", "productHot", "weekdayHot", "numeric"})
            .setOutputCol("features");
    Dataset<Row> out =
        new Pipeline()
            .setStages(new PipelineStage[] {enc, asm})
            .fit(table)
            .transform(table)
            .select("features", RaceData.LABEL, RaceData.IS_TEST)
            .persist(StorageLevel.MEMORY_ONLY());
    out.count();
    return out;
  }

  /** The generated table, cached in 2 partitions; {@code bayes[0]} gets the ceiling accuracy. */
  static Dataset<Row> table(SparkSession spark, int rows, long seed, double[] bayes) {
    Random r = new Random(seed);
    double[][] u = latent(r, STORES);
    double[][] v = latent(r, PRODUCTS);
    double[] day = new double[WEEKDAYS];
    for (int i = 0; i < WEEKDAYS; i++) {
      day[i] = r.nextGaussian() * 0.5;
    }
    double[] w = {1.0, -0.5, 0.25, 0.75};
    List<Row> out = new ArrayList<>(rows);
    double right = 0;
    int tests = 0;
    for (int i = 0; i < rows; i++) {
      int s = r.nextInt(STORES);
      int p = r.nextInt(PRODUCTS);
      int d = r.nextInt(WEEKDAYS);
      double[] x = new double[NUMERIC];
      double logit = day[d];
      for (int k = 0; k < LATENT; k++) {
        logit += u[s][k] * v[p][k];
      }
      for (int k = 0; k < NUMERIC; k++) {
        x[k] = r.nextGaussian();
        logit += 0.5 * w[k] * x[k];
      }
      double prob = 1 / (1 + Math.exp(-2 * logit));
      double label = r.nextDouble() < prob ? 1 : 0;
      boolean test = i % 6 == 0;
      if (test) {
        tests++;
        right += Math.max(prob, 1 - prob);
      }
      out.add(RowFactory.create(s, p, d, Vectors.dense(x), label, test));
    }
    bayes[0] = right / tests;
    StructType schema =
        new StructType()
            .add("store", DataTypes.IntegerType)
            .add("product", DataTypes.IntegerType)
            .add("weekday", DataTypes.IntegerType)
            .add("numeric", SQLDataTypes.VectorType())
            .add(RaceData.LABEL, DataTypes.DoubleType)
            .add(RaceData.IS_TEST, DataTypes.BooleanType);
    Dataset<Row> df =
        spark.createDataFrame(out, schema).repartition(2).persist(StorageLevel.MEMORY_ONLY());
    df.count();
    return df;
  }

  private static double[][] latent(Random r, int n) {
    double[][] m = new double[n][LATENT];
    for (double[] row : m) {
      for (int k = 0; k < LATENT; k++) {
        row[k] = r.nextGaussian() * 0.7;
      }
    }
    return m;
  }
}
