package org.sparkgrad.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkgrad.backend.Backends;

/**
 * Time to accuracy on Fashion-MNIST, in one run and one SparkSession: Sparkgrad's {@code
 * NeuralNetClassifier}, MLlib's {@code MultilayerPerceptronClassifier} (same layers, same cached
 * DataFrame, swept over {@code maxIter}) and the same network in PyTorch in one process on one
 * thread (with the BLAS Debian's torch links and with Sparkgrad's OpenBLAS preloaded). Prints the
 * wall-clock time to 80%, 85% and 87% test accuracy, samples per second and the ratios, then
 * Sparkgrad's scaling from 1 to 2 partitions. With {@code --cluster} Spark runs on a standalone
 * master and 2 one-core workers on loopback instead of {@code local[2]}.
 *
 * <p>Run (see docs/BENCHMARKS.md): {@code env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java -Xmx6g
 * <Spark's --add-opens> -cp 'benchmarks/target/*:benchmarks/target/lib/*'
 * org.sparkgrad.bench.FashionMnistRace [--quick] [options]}; {@link RaceOptions#USAGE} lists them.
 */
public final class FashionMnistRace {
  static final double[] TARGETS = {0.80, 0.85, 0.87};

  private FashionMnistRace() {}

  public static void main(String[] args) throws Exception {
    RaceOptions o = RaceOptions.parse(args);
    if (!FashionMnist.present(o.data)) {
      System.err.println(FashionMnist.howToInstall(o.data));
      System.exit(2);
    }
    System.out.println("== Fashion-MNIST race: MLP 784-256-128-10, time to test accuracy ==");
    System.out.println("machine: " + Machine.describe());
    Machine.warnIfBlasTuned();
    System.out.println("sparkgrad engine: " + Backends.cpu().description());
    Path openblas = Machine.mappedLibrary("libopenblas").orElse(null);
    System.out.printf(
        Locale.ROOT,
        "settings: batch %d, Adam lr %s, %d epochs, seed %d, %d partitions%s%n",
        o.batchSize,
        o.lr,
        o.epochs,
        o.seed,
        o.partitions,
        o.quick ? " (--quick)" : "");

    BenchCluster cluster = null;
    if (o.cluster) {
      cluster = BenchCluster.fromTarget(2, "3g");
      BenchCluster c = cluster;
      Runtime.getRuntime().addShutdownHook(new Thread(c::close));
      System.out.println("standalone cluster: " + cluster.masterUrl() + ", 2 workers x 1 core");
    }
    SparkSession.Builder b =
        SparkSession.builder()
            .appName("FashionMnistRace")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", Integer.toString(o.partitions));
    if (cluster != null) {
      b.master(cluster.masterUrl())
          .config("spark.jars", cluster.applicationJars())
          .config("spark.executor.memory", "2500m")
          .config("spark.executor.cores", "1")
          .config("spark.cores.max", "2")
          .config("spark.driver.host", "127.0.0.1");
    } else {
      b.master("local[2]");
    }
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    String where = cluster != null ? "standalone 2x1 core" : "local[2]";
    try {
      race(spark, o, where, openblas);
    } finally {
      spark.stop();
      if (cluster != null) {
        cluster.close();
      }
    }
    System.out.println("machine at the end: " + Machine.describe());
  }

  private static void race(SparkSession spark, RaceOptions o, String where, Path openblas)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Dataset<Row> df = RaceData.cached(spark, o.data, o.partitions, true);
    System.out.printf(
        Locale.ROOT,
        "data: %d rows cached in %d partitions in %.1f s (not counted below)%n",
        df.count(),
        df.rdd().getNumPartitions(),
        (System.nanoTime() - t0) / 1e9);
    Dataset<Row> train = df.filter(functions.not(functions.col(RaceData.IS_TEST)));
    Dataset<Row> test = df.filter(functions.col(RaceData.IS_TEST));

    List<Curve> curves = new ArrayList<>();
    System.out.println("\n-- Sparkgrad NeuralNetClassifier (" + where + ")");
    SparkgradRun.Result ours =
        SparkgradRun.fit(
            df, o, RaceData.IS_TEST, "Sparkgrad (" + where + ", " + o.partitions + " p)", o.epochs);
    ours.curve().note(String.format(Locale.ROOT, "fit %.1f s in all", ours.fitSeconds()));
    curves.add(ours.curve());
    curves.add(ours.fromFirstStep());
    // The same fit again in the same JVM and session: what a notebook's or a long-running
    // application's second fit costs, once the JIT has compiled the engine and Spark's code paths.
    System.out.println("\n-- Sparkgrad NeuralNetClassifier again, warm JVM (" + where + ")");
    SparkgradRun.Result warm =
        SparkgradRun.fit(
            df,
            o,
            RaceData.IS_TEST,
            "Sparkgrad (" + where + ", " + o.partitions + " p), warm JVM",
            o.epochs);
    warm.curve().note(String.format(Locale.ROOT, "fit %.1f s in all", warm.fitSeconds()));
    curves.add(warm.curve());
    curves.add(warm.fromFirstStep());

    Curve mllib = null;
    if (!o.skipMllib) {
      System.out.println("\n-- MLlib MultilayerPerceptronClassifier, maxIter sweep");
      System.out.println(
          "  MLlib BLAS: " + dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getName());
      mllib = MllibSweep.run(train, test, o, TARGETS);
      curves.add(mllib);
    }

    List<Curve> torch = new ArrayList<>();
    if (!o.skipTorch) {
      String why = TorchBaseline.unavailableReason();
      if (why != null) {
        System.out.println("\nnote: PyTorch skipped: " + why);
      } else {
        if (!o.torch.equals("openblas")) {
          System.out.println("\n-- PyTorch, one thread, the BLAS Debian's torch links");
          torch.add(TorchRace.run(o, null, "torch/system BLAS"));
        }
        if (!o.torch.equals("system")) {
          if (openblas == null) {
            System.out.println("\nnote: Sparkgrad is not on OpenBLAS here; no torch/OpenBLAS");
          } else {
            System.out.println("\n-- PyTorch, one thread, Sparkgrad's OpenBLAS preloaded");
            torch.add(TorchRace.run(o, openblas, "torch/OpenBLAS"));
          }
        }
      }
      curves.addAll(torch);
    }
    df.unpersist(true);

    SparkgradRun.Result one = null;
    SparkgradRun.Result two = null;
    if (!o.skipScaling) {
      System.out.println("\n-- scaling: Sparkgrad on 1 and 2 cached partitions (" + where + ")");
      one = scalingRun(spark, o, 1);
      two = scalingRun(spark, o, 2);
    }
    RaceReport.print(o, where, curves, List.of(ours, warm), mllib, torch, one, two);
  }

  private static SparkgradRun.Result scalingRun(SparkSession spark, RaceOptions o, int parts) {
    Dataset<Row> d = RaceData.cached(spark, o.data, parts, false);
    try {
      return SparkgradRun.fit(d, o, null, parts + " partition(s)", o.scalingEpochs);
    } finally {
      d.unpersist(true);
    }
  }
}
