package org.sparkgrad.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.NeuralNetClassifier;
import org.sparkgrad.tensor.Generator;

/**
 * The driver program of {@link HdfsCheckpointKillTest}, run in its own JVM: a {@code local[2]} fit
 * with a checkpoint folder on HDFS. With the system property {@code sparkgrad.halt.checkpoint} =
 * {@code n > 0}, its HDFS is {@link HaltingHdfs}, which kills this JVM in the middle of writing the
 * {@code n}-th checkpoint; otherwise the fit finishes and the model's weights are written, one per
 * line, to a local file.
 *
 * <p>Arguments: {@code checkpointDir weightsFile}.
 */
public final class HdfsCheckpointChild {
  private HdfsCheckpointChild() {}

  /** Three Gaussian blobs in 4 dimensions, 240 rows, the same in every JVM. */
  static Dataset<Row> data(SparkSession spark) {
    Generator g = new Generator(29);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < 240; i++) {
      int label = i % 3;
      double[] x = new double[4];
      for (int j = 0; j < 4; j++) {
        x[j] = (j == label ? 2.0 : 0.0) + 0.7 * g.nextGaussian();
      }
      out.add(RowFactory.create((double) label, Vectors.dense(x)));
    }
    StructType schema =
        new StructType(
            new StructField[] {
              new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
              new StructField("features", new VectorUDT(), false, Metadata.empty())
            });
    return spark.createDataFrame(out, schema);
  }

  /**
   * The estimator: 240 rows in batches of 32 are 8 steps an epoch, a checkpoint after each epoch;
   * dropout and Adam make the resumed RNG and optimizer state count.
   */
  static NeuralNetClassifier estimator(String checkpointDir) {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {12})
        .setDropout(0.2)
        .setOptimizer("adam")
        .setLearningRate(0.02)
        .setBatchSize(32)
        .setMaxEpochs(5)
        .setSeed(41)
        .setNumReplicas(2)
        .setDevice("cpu")
        .setCheckpointDir(checkpointDir);
  }

  /** Runs the fit; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    SparkSession.Builder b =
        SparkSession.builder()
            .master("local[2]")
            .appName("sparkgrad-hdfs-checkpoint")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.default.parallelism", "2");
    if (Integer.getInteger("sparkgrad.halt.checkpoint", 0) > 0) {
      b.config("spark.hadoop.fs.hdfs.impl", HaltingHdfs.class.getName())
          .config("spark.hadoop.fs.hdfs.impl.disable.cache", "true");
    }
    SparkSession spark = b.getOrCreate();
    float[] w = estimator(args[0]).fit(data(spark)).weights();
    List<String> lines = new ArrayList<>();
    for (float v : w) {
      lines.add(Float.toString(v));
    }
    Files.write(Path.of(args[1]), lines, StandardCharsets.UTF_8);
    System.exit(0);
  }
}
