package org.sparkgrad.examples;

import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The built-in data set of {@code --input generated}: {@link #CLASSES} classes in {@link #DIMS}
 * dimensions, each class the union of {@link #BLOBS_PER_CLASS} Gaussian blobs (unit-variance
 * centres, noise of standard deviation {@link #NOISE}), so the classes are not convex and a linear
 * model cannot separate them all, while a small MLP learns them to well over 90% accuracy.
 *
 * <p>Row {@code i} is drawn from a generator seeded by {@code (seed, i)}, so the table is the same
 * however Spark partitions it, and it is generated on the executors (no driver-side data).
 */
final class GeneratedData {
  /** The number of classes. */
  static final int CLASSES = 8;

  /** The number of features. */
  static final int DIMS = 32;

  /** The blobs that make up one class. */
  static final int BLOBS_PER_CLASS = 2;

  /** The standard deviation of the noise around each blob's centre. */
  static final double NOISE = 1.2;

  private GeneratedData() {}

  /** The schema: {@code labelCol} (double) and {@code featuresCol} (ML Vector). */
  static StructType schema(String labelCol, String featuresCol) {
    return new StructType(
        new StructField[] {
          new StructField(labelCol, DataTypes.DoubleType, false, Metadata.empty()),
          new StructField(featuresCol, new VectorUDT(), false, Metadata.empty())
        });
  }

  /** {@code rows} rows drawn from {@code seed}, in {@code partitions} partitions (0: default). */
  static Dataset<Row> create(
      SparkSession spark,
      long rows,
      long seed,
      int partitions,
      String labelCol,
      String featuresCol) {
    double[][] centres = centres(seed);
    int slices = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
    MapFunction<Long, Row> draw = id -> row(centres, seed, id);
    return spark
        .range(0, rows, 1, slices)
        .map(draw, Encoders.row(schema(labelCol, featuresCol)))
        .toDF();
  }

  /** The blob centres: blob {@code b} belongs to class {@code b % CLASSES}. */
  static double[][] centres(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] c = new double[CLASSES * BLOBS_PER_CLASS][DIMS];
    for (double[] centre : c) {
      for (int j = 0; j < DIMS; j++) {
        centre[j] = rng.nextGaussian();
      }
    }
    return c;
  }

  /** Row {@code id}: a blob chosen uniformly, and a point around its centre. */
  static Row row(double[][] centres, long seed, long id) {
    SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id).split();
    int blob = rng.nextInt(centres.length);
    double[] x = new double[DIMS];
    for (int j = 0; j < DIMS; j++) {
      x[j] = centres[blob][j] + NOISE * rng.nextGaussian();
    }
    return RowFactory.create((double) (blob % CLASSES), Vectors.dense(x));
  }
}
