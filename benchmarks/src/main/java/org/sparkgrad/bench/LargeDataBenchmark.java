package org.sparkgrad.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkgrad.ml.NeuralNetClassificationModel;
import org.sparkgrad.ml.NeuralNetClassifier;

/**
 * Training on data larger than the executor's heap: generates {@code --rows} rows of {@code
 * --features} float features in Parquet (once; reused when the folder exists), then fits an MLP on
 * them in {@code local[2]} with {@code --storage} (stream by default) and prints rows/s, the peak
 * heap used (garbage included) and the largest live heap ({@link LiveHeap}: after a full
 * collection, asked for every 2 s). In local mode the executor is this JVM, so run it with a small
 * {@code -Xmx} to make the data several times larger than the executor's memory:
 *
 * <pre>
 * java -Xmx512m -cp 'benchmarks/target/classes:benchmarks/target/lib/*' \
 *   org.sparkgrad.bench.LargeDataBenchmark --rows 1000000 --features 256 --dir /tmp/large
 * </pre>
 */
public final class LargeDataBenchmark {
  private LargeDataBenchmark() {}

  /** Runs the benchmark; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    long rows = 1_000_000;
    int features = 256;
    int epochs = 1;
    String storage = "stream";
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "sparkgrad-large-data");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i]);
        case "--features" -> features = Integer.parseInt(args[++i]);
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--storage" -> storage = args[++i];
        case "--dir" -> dir = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("large-data-benchmark")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    System.out.println("machine: " + Machine.describe());
    Path data = dir.resolve(rows + "x" + features + ".parquet");
    if (!Files.isDirectory(data)) {
      long t = System.nanoTime();
      // Row groups of 16 MiB: Parquet reads a whole row group into the heap (128 MiB by
      // default), which two tasks in a 512 MiB heap cannot afford.
      generate(spark, rows, features)
          .write()
          .option("parquet.block.size", 16 << 20)
          .parquet(data.toString());
      System.out.printf(
          Locale.ROOT, "large-data: generated %s in %.1f s%n", data, (System.nanoTime() - t) / 1e9);
    }
    Dataset<Row> df = spark.read().parquet(data.toString());
    long heap = Runtime.getRuntime().maxMemory();
    double floatGiB = rows * (features + 1) * 4.0 / (1L << 30);
    System.out.printf(
        Locale.ROOT,
        "large-data: %d rows x %d features, %.2f GiB as float32 (Parquet %.2f GiB), %d partitions,"
            + " heap %d MiB (%.1fx), dataStorage=%s, %d epoch(s)%n",
        rows,
        features,
        floatGiB,
        folderBytes(data) / (double) (1L << 30),
        df.javaRDD().getNumPartitions(),
        heap >> 20,
        floatGiB * (1L << 30) / heap,
        storage,
        epochs);
    resetPeaks();
    LiveHeap live = LiveHeap.start(2000);
    long start = System.nanoTime();
    NeuralNetClassificationModel model =
        new NeuralNetClassifier()
            .setHiddenLayers(new int[] {64})
            .setBatchSize(512)
            .setMaxEpochs(epochs)
            .setLearningRate(1e-3)
            .setSeed(1)
            .setNumReplicas(2)
            .setDataStorage(storage)
            .fit(df);
    double seconds = (System.nanoTime() - start) / 1e9;
    live.close();
    double[] loss = model.summary().trainLoss();
    System.out.printf(
        Locale.ROOT,
        "large-data: fit %.1f s (preparation included), %.0f rows/s, peak heap used %d MiB of %d"
            + " MiB (largest live, after a full collection every 2 s: %d MiB), train loss %.4f after epoch %d%n",
        seconds,
        rows * (double) epochs / seconds,
        peakHeapBytes() >> 20,
        heap >> 20,
        live.peakBytes() >> 20,
        loss[loss.length - 1],
        loss.length);
    spark.stop();
  }

  /**
   * Four classes; each feature is uniform noise, shifted by 0.5 where its index modulo 4 is the
   * class, computed on the executors (nothing on the driver).
   */
  static Dataset<Row> generate(SparkSession spark, long rows, int features) {
    Column label = functions.pmod(functions.col("id"), functions.lit(4));
    List<Column> x = new ArrayList<>(features);
    for (int j = 0; j < features; j++) {
      x.add(
          functions
              .rand(j)
              .plus(functions.when(label.equalTo(j % 4), 0.5).otherwise(0.0))
              .cast("float"));
    }
    return spark
        .range(0, rows, 1, Math.max(2, (int) (rows * features / 16_000_000L)))
        .select(functions.array(x.toArray(new Column[0])).as("features"), label.as("label"));
  }

  private static long folderBytes(Path dir) throws java.io.IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
  }

  /** The sum of the heap pools' peak usage since {@link #resetPeaks}: an upper bound. */
  private static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
