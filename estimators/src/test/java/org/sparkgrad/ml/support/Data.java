package org.sparkgrad.ml.support;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.tensor.Generator;

/** Small generated data sets for the Spark tests. */
public final class Data {
  private Data() {}

  /** The schema (features: vector, label: double). */
  public static StructType schema() {
    return new StructType()
        .add("features", SQLDataTypes.VectorType(), true)
        .add("label", DataTypes.DoubleType, true);
  }

  /**
   * {@code n} rows of three Gaussian blobs in 4-D (classes 0, 1, 2, centres 2.5 apart on different
   * axes), seeded.
   */
  public static List<Row> blobs(int n, long seed) {
    Generator g = new Generator(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int c = i % 3;
      double[] x = new double[4];
      for (int j = 0; j < 4; j++) {
        x[j] = g.nextGaussian() * 0.8 + (j == c ? 2.5 : 0) - (j == 3 && c == 2 ? 1.5 : 0);
      }
      rows.add(RowFactory.create(Vectors.dense(x), (double) c));
    }
    return rows;
  }

  /** {@link #blobs} as a DataFrame on the shared session. */
  public static Dataset<Row> blobsFrame(int n, long seed) {
    return TestSpark.session().createDataFrame(blobs(n, seed), schema());
  }
}
