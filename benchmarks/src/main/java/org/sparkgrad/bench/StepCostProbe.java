package org.sparkgrad.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.NeuralNetClassifier;
import org.sparkgrad.ml.train.EpochStats;

/**
 * Where the fixed cost of a synchronous training step goes in {@code local[2]}, and what the
 * estimator's step costs end to end. Part 1 times Spark's primitives with the MLP's 235,146
 * parameters: an empty job, a job carrying the weights in its closure, a broadcast (create, read,
 * destroy), and the gradient reduction (double[] or float[] per partition, treeAggregate depth 1 or
 * 2). Part 2 fits {@code NeuralNetClassifier} 784-256-128-10 and reports seconds per optimizer step
 * at batch 2 (almost no compute: the fixed cost) and at batch 128, on 1 and 2 partitions, with
 * steps through the step channel and as one Spark job each ({@code spark.sparkgrad.fit.transport}).
 * Part 3 (with {@code --fashion}) times epochs on Fashion-MNIST with the test set as validation
 * rows and reports the time to 85% test accuracy. With {@code --security}, it reports instead the
 * step channel's cost per step with Spark's authentication and encryption beside without ({@link
 * ChannelSecurityCost}). With {@code --executors N}, it reports instead the step channel's traffic
 * at the driver per step at 1 to N executors of a standalone cluster ({@link ChannelTraffic}), or
 * with {@code --local-traffic} at 1 to N partitions in {@code local[N]}. Medians over repetitions;
 * the load average is printed.
 *
 * <pre>
 * java [the --add-opens of Spark 4] -cp 'benchmarks/target/*:benchmarks/target/lib/*' \
 *   org.sparkgrad.bench.StepCostProbe [--reps N] [--security]
 *     [--executors N [--rows R] [--local-traffic] [--epochs N]]
 *     [--fashion DIR [--accum K] [--local K] [--epochs N]]
 * </pre>
 */
public final class StepCostProbe {
  private static final int PARAMS = 235_146;

  private StepCostProbe() {}

  /** Runs the probe. */
  public static void main(String[] args) throws Exception {
    int reps = 30;
    Path fashion = null;
    int accum = 1;
    int local = 1;
    int epochs = 3;
    boolean security = false;
    int executors = 0;
    int rows = 4096;
    boolean localMode = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--fashion" -> fashion = Path.of(args[++i]);
        case "--accum" -> accum = Integer.parseInt(args[++i]);
        case "--local" -> local = Integer.parseInt(args[++i]);
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--security" -> security = true;
        case "--executors" -> executors = Integer.parseInt(args[++i]);
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--local-traffic" -> localMode = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (executors > 0) {
      System.out.println("machine: " + Machine.describe());
      if (localMode) {
        ChannelTraffic.runLocal(executors, rows, epochs);
      } else {
        ChannelTraffic.run(executors, rows, epochs);
      }
      System.out.println("machine at the end: " + Machine.describe());
      return;
    }
    if (security) {
      System.out.println("machine: " + Machine.describe());
      ChannelSecurityCost.run(reps);
      System.out.println("machine at the end: " + Machine.describe());
      return;
    }
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("step-cost-probe")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    System.out.println("machine: " + Machine.describe());
    if (fashion == null) {
      primitives(spark, reps);
      estimatorSteps(spark, reps);
    } else {
      FashionRun.timeToAccuracy(spark, fashion, accum, local, epochs);
    }
    System.out.println("machine at the end: " + Machine.describe());
    spark.stop();
  }

  private static void primitives(SparkSession spark, int reps) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Integer> rdd = jsc.parallelize(Arrays.asList(0, 1), 2).cache();
    rdd.count();
    float[] weights = new float[PARAMS];
    Arrays.fill(weights, 0.5f);
    System.out.println("== Spark primitives, local[2], 2 partitions, median of " + reps + " ==");
    report("empty job (count)", reps, () -> rdd.count());
    report(
        "job with the weights in its closure",
        reps,
        () -> rdd.map(i -> weights[i] + i).reduce(Float::sum));
    report(
        "broadcast + job + destroy",
        reps,
        () -> {
          Broadcast<float[]> b = jsc.broadcast(weights);
          rdd.map(i -> b.value()[i] + i).reduce(Float::sum);
          b.destroy();
        });
    report(
        "treeAggregate double[] depth 2",
        reps,
        () ->
            rdd.treeAggregate(
                new double[PARAMS],
                (a, i) -> addInto(a, new double[PARAMS]),
                StepCostProbe::addInto,
                2));
    report(
        "treeAggregate float[]->double depth 1",
        reps,
        () ->
            rdd.map(i -> new float[PARAMS])
                .treeAggregate(
                    (double[]) null,
                    (a, f) -> addFloats(a, f),
                    (a, b) -> a == null ? b : b == null ? a : addInto(a, b),
                    1));
    report(
        "closure weights + float[] gradients, depth 1",
        reps,
        () ->
            rdd.map(i -> new float[(int) weights[i] + PARAMS])
                .treeAggregate(
                    (double[]) null,
                    (a, f) -> addFloats(a, f),
                    (a, b) -> a == null ? b : b == null ? a : addInto(a, b),
                    1));
  }

  private static double[] addInto(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  private static double[] addFloats(double[] a, float[] f) {
    double[] out = a == null ? new double[f.length] : a;
    for (int i = 0; i < f.length; i++) {
      out[i] += f[i];
    }
    return out;
  }

  private static void report(String what, int reps, Runnable r) {
    for (int i = 0; i < 5; i++) {
      r.run();
    }
    double[] ms = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t = System.nanoTime();
      r.run();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    System.out.printf(
        "%-46s median %7.2f ms  (min %6.2f, max %6.2f)%n", what, ms[reps / 2], ms[0], ms[reps - 1]);
  }

  private static void estimatorSteps(SparkSession spark, int reps) {
    System.out.println(
        "== NeuralNetClassifier 784-256-128-10, 8192 synthetic rows, seconds/step ==");
    Dataset<Row> df = synthetic(spark, 8192).cache();
    df.count();
    // One untimed fit first, so that the first configuration timed does not also pay for the JIT
    // compiling the engine and the channel (it made 2 partitions at batch 2 look 3x slower).
    new NeuralNetClassifier()
        .setHiddenLayers(new int[] {256, 128})
        .setBatchSize(16)
        .setMaxEpochs(2)
        .setNumReplicas(2)
        .fit(df);
    for (String transport : new String[] {"channel", "jobs"}) {
      spark.conf().set("spark.sparkgrad.fit.transport", transport);
      for (int parts : new int[] {2, 1}) {
        for (int batch : new int[] {2, 128}) {
          List<Double> perStep = new ArrayList<>();
          int rounds = Math.max(3, reps / 10);
          for (int r = 0; r < rounds; r++) {
            List<EpochStats> epochs = new ArrayList<>();
            new NeuralNetClassifier()
                .setHiddenLayers(new int[] {256, 128})
                .setBatchSize(batch)
                .setMaxEpochs(1)
                .setNumReplicas(parts)
                .setShuffle(true)
                .setTrainingListener(epochs::add)
                .fit(batch == 2 ? df.limit(400) : df);
            EpochStats e = epochs.get(0);
            perStep.add(e.seconds() * 1000 / e.steps());
          }
          perStep.sort(null);
          System.out.printf(
              "%-7s partitions %d batch %4d: median %7.2f ms/step  (all: %s)%n",
              transport, parts, batch, perStep.get(perStep.size() / 2), fmt(perStep));
        }
      }
    }
    spark.conf().unset("spark.sparkgrad.fit.transport");
  }

  static String fmt(List<Double> xs) {
    StringBuilder sb = new StringBuilder();
    for (double x : xs) {
      sb.append(String.format("%.1f ", x));
    }
    return sb.toString().trim();
  }

  static Dataset<Row> synthetic(SparkSession spark, int rows) {
    org.sparkgrad.tensor.Generator g = new org.sparkgrad.tensor.Generator(7);
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      double[] x = new double[784];
      int label = i % 10;
      for (int j = 0; j < 784; j++) {
        x[j] = g.nextGaussian() * 0.3 + (j % 10 == label ? 1 : 0);
      }
      data.add(RowFactory.create(Vectors.dense(x), (double) label));
    }
    StructType schema =
        new StructType()
            .add("features", new VectorUDT(), false)
            .add("label", DataTypes.DoubleType, false);
    return spark.createDataFrame(data, schema);
  }
}
