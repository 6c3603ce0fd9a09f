package org.sparkgrad.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The race's DataFrame: Fashion-MNIST rows ({@code features} a dense vector of 784 values in [0,
 * 1], {@code label} 0..9 as a double, {@code isTest} true for the 10k test images), built on the
 * executors, each task reading the IDX files itself (so no 400 MB of rows travel from the driver,
 * which a standalone cluster's RPC size limit would refuse), then cached and materialised.
 */
final class RaceData {
  static final String FEATURES = "features";
  static final String LABEL = "label";
  static final String IS_TEST = "isTest";

  static final StructType SCHEMA =
      new StructType()
          .add(FEATURES, SQLDataTypes.VectorType(), false)
          .add(LABEL, DataTypes.DoubleType, false)
          .add(IS_TEST, DataTypes.BooleanType, false);

  private static FashionMnist loaded;
  private static String loadedFrom;

  private RaceData() {}

  /**
   * A cached, materialised DataFrame of the training rows (and the test rows, flagged, if {@code
   * withTest}) in {@code partitions} partitions of nearly equal size.
   */
  static Dataset<Row> cached(SparkSession spark, Path dir, int partitions, boolean withTest) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> slices = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      slices.add(i);
    }
    String folder = dir.toAbsolutePath().toString();
    JavaRDD<Row> rows =
        jsc.parallelize(slices, partitions).flatMap(i -> rowsOf(folder, i, partitions, withTest));
    Dataset<Row> df = spark.createDataFrame(rows, SCHEMA).persist(StorageLevel.MEMORY_ONLY());
    long n = df.count();
    if (n == 0) {
      throw new IllegalStateException("the race DataFrame is empty; is " + dir + " complete?");
    }
    release();
    return df;
  }

  /** Forgets this JVM's copy of the images (the cached DataFrame holds what is needed). */
  static synchronized void release() {
    loaded = null;
    loadedFrom = null;
  }

  private static synchronized FashionMnist images(String dir) {
    if (loaded == null || !dir.equals(loadedFrom)) {
      try {
        loaded = FashionMnist.load(Path.of(dir));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read Fashion-MNIST from " + dir, e);
      }
      loadedFrom = dir;
    }
    return loaded;
  }

  /** Slice {@code slice} of {@code count} of the training rows, then of the test rows. */
  private static Iterator<Row> rowsOf(String dir, int slice, int count, boolean withTest) {
    FashionMnist ds = images(dir);
    List<Row> out = new ArrayList<>();
    add(out, ds.trainX().toFloatArray(), ds.trainY().toLongArray(), slice, count, false);
    if (withTest) {
      add(out, ds.testX().toFloatArray(), ds.testY().toLongArray(), slice, count, true);
    }
    return out.iterator();
  }

  private static void add(
      List<Row> out, float[] x, long[] y, int slice, int count, boolean isTest) {
    int n = y.length;
    int d = x.length / n;
    int from = (int) ((long) n * slice / count);
    int to = (int) ((long) n * (slice + 1) / count);
    for (int r = from; r < to; r++) {
      double[] v = new double[d];
      for (int j = 0; j < d; j++) {
        v[j] = x[r * d + j];
      }
      out.add(RowFactory.create(Vectors.dense(v), (double) y[r], isTest));
    }
  }
}
