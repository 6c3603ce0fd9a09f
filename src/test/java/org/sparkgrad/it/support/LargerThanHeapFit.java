package org.sparkgrad.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkgrad.ml.NeuralNetClassificationModel;
import org.sparkgrad.ml.NeuralNetClassifier;

/**
 * A fit on a Parquet table larger than the executors' heap, as a spark-submit application: it reads
 * the table, fits {@link #classifier} with the {@code dataStorage} it is given, saves the model,
 * and prints the executors' largest heap ({@code executor max heap: BYTES}), measured by a job on
 * the executors. The test that submits it ({@code ClusterJobsTest}) writes the table with {@link
 * #generate}, ships this class in a jar of its own ({@link #jar}), and fits the same table in
 * memory in its own JVM for the reference model.
 *
 * <p>Arguments: the table's path, the model's path, the {@code dataStorage} value.
 */
public final class LargerThanHeapFit {
  /** Rows of the generated table. */
  public static final int ROWS = 150_000;

  /** Features of a generated row: with the label, 2,068 bytes a row in a block. */
  public static final int FEATURES = 512;

  /**
   * The size of the table's Parquet row groups: a reader holds a whole row group of the file it
   * reads (Parquet's default is 128 MiB, more than this test's executor heap).
   */
  static final int ROW_GROUP_BYTES = 4 << 20;

  private LargerThanHeapFit() {}

  /** Runs the application. */
  public static void main(String[] args) throws IOException {
    SparkSession spark = SparkSession.builder().appName("larger-than-heap fit").getOrCreate();
    NeuralNetClassificationModel model = classifier(args[2]).fit(spark.read().parquet(args[0]));
    model.write().save(args[1]);
    long heap =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(LongStream.range(0, 8).boxed().toList(), 8)
            .map(i -> Runtime.getRuntime().maxMemory())
            .reduce(Math::max);
    System.out.println("executor max heap: " + heap);
    spark.stop();
  }

  /**
   * The estimator of both fits: one epoch of a small MLP, two partitions (one per executor), one
   * seed, so that the same rows give the same weights however they are kept.
   */
  public static NeuralNetClassifier classifier(String dataStorage) {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {8})
        .setBatchSize(1000)
        .setMaxEpochs(1)
        .setOptimizer("adam")
        .setLearningRate(1e-3)
        .setSeed(11)
        .setNumReplicas(2)
        .setDataStorage(dataStorage);
  }

  /**
   * Writes the table to {@code path}: {@link #ROWS} rows of {@link #FEATURES} float features and a
   * label of four classes (each feature uniform noise, shifted by 0.5 where its index modulo 4 is
   * the class), in two uncompressed Parquet files of equal size with row groups of {@link
   * #ROW_GROUP_BYTES}, so that a reader with {@code spark.sql.files.maxPartitionBytes} above a
   * file's size reads one partition per file whatever its parallelism.
   */
  public static void generate(SparkSession spark, Path path) {
    Column label = functions.pmod(functions.col("id"), functions.lit(4));
    List<Column> x = new ArrayList<>(FEATURES);
    for (int j = 0; j < FEATURES; j++) {
      x.add(
          functions
              .rand(j)
              .plus(functions.when(label.equalTo(j % 4), 0.5).otherwise(0.0))
              .cast("float"));
    }
    spark
        .range(0, ROWS, 1, 2)
        .select(functions.array(x.toArray(new Column[0])).as("features"), label.as("label"))
        .write()
        .option("compression", "none")
        .option("parquet.enable.dictionary", "false")
        .option("parquet.block.size", ROW_GROUP_BYTES)
        .parquet(path.toString());
  }

  /** A jar at {@code jar} holding this class, for spark-submit to run and ship to executors. */
  public static Path jar(Path jar) throws IOException {
    Path classes;
    try {
      classes =
          Path.of(
              LargerThanHeapFit.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the test classes of " + LargerThanHeapFit.class, e);
    }
    String dir = LargerThanHeapFit.class.getPackageName().replace('.', '/') + "/";
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      try (var entries = Files.list(classes.resolve(dir))) {
        for (Path c : entries.toList()) {
          String name = c.getFileName().toString();
          if (name.startsWith(LargerThanHeapFit.class.getSimpleName())) {
            out.putNextEntry(new JarEntry(dir + name));
            Files.copy(c, out);
            out.closeEntry();
          }
        }
      }
    }
    return jar;
  }
}
