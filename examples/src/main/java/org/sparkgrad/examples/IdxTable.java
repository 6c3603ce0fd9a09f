package org.sparkgrad.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.data.IdxReader;

/**
 * An IDX images file (MNIST, Fashion-MNIST) and its labels file as a table of a label and a
 * flattened, [0, 1]-scaled features vector. The files are read on the driver with the engine's
 * {@link IdxReader} (through Hadoop's file system) and handed to Spark in slices.
 */
final class IdxTable {
  private static final String IMAGES = "-images-idx3-ubyte";
  private static final String LABELS = "-labels-idx1-ubyte";
  private static final int ROWS_PER_SLICE = 5000;

  private IdxTable() {}

  /** The usual name of the labels file beside {@code images}, or null if it has no such name. */
  static String labelsBeside(String images) {
    int at = images.lastIndexOf(IMAGES);
    if (at < 0 || images.indexOf('/', at) >= 0) {
      return null;
    }
    return images.substring(0, at) + LABELS + images.substring(at + IMAGES.length());
  }

  /** Whether {@code path}'s name is an IDX images file's. */
  static boolean looksLikeImages(String path) {
    String name = new Path(path).getName();
    return name.contains(IMAGES) || name.endsWith(".idx") || name.endsWith(".idx.gz");
  }

  /**
   * Reads the images at {@code images} and the labels at {@code labels} (null: beside the images;
   * if there is no such file, the table has no label column).
   */
  static Dataset<Row> read(
      SparkSession spark, String images, String labels, String labelCol, String featuresCol) {
    String labelsPath = labels != null ? labels : labelsBeside(images);
    if (labels != null && !JobFiles.exists(spark, labels)) {
      throw new UsageException("--labels: no such file: " + labels);
    }
    boolean withLabels = labelsPath != null && JobFiles.exists(spark, labelsPath);
    IdxReader.Images x = readImages(spark, images);
    long[] y = withLabels ? readLabels(spark, labelsPath) : null;
    if (y != null && y.length != x.count()) {
      throw new IllegalArgumentException(
          labelsPath
              + " has "
              + y.length
              + " labels, but "
              + images
              + " has "
              + x.count()
              + " images");
    }
    int n = x.count();
    int size = n == 0 ? 0 : x.data().length / n;
    float[] data = x.data();
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] v = new double[size];
      for (int j = 0; j < size; j++) {
        v[j] = data[i * size + j];
      }
      rows.add(
          withLabels
              ? RowFactory.create((double) y[i], Vectors.dense(v))
              : RowFactory.create(Vectors.dense(v)));
    }
    int slices =
        Math.max(
            spark.sparkContext().defaultParallelism(), (n + ROWS_PER_SLICE - 1) / ROWS_PER_SLICE);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    StructType schema = GeneratedData.schema(labelCol, featuresCol);
    if (!withLabels) {
      schema = new StructType(new StructField[] {schema.fields()[1]});
    }
    return spark.createDataFrame(jsc.parallelize(rows, slices), schema);
  }

  private static IdxReader.Images readImages(SparkSession spark, String path) {
    Path p = new Path(path);
    try (InputStream in = JobFiles.fs(spark, p).open(p)) {
      return IdxReader.readImages(in, path, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e, e);
    }
  }

  private static long[] readLabels(SparkSession spark, String path) {
    Path p = new Path(path);
    try (InputStream in = JobFiles.fs(spark, p).open(p)) {
      return IdxReader.readLabels(in, path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e, e);
    }
  }
}
