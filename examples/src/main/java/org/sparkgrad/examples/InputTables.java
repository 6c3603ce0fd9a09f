package org.sparkgrad.examples;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Reads the table a job works on, in any of the {@link InputOptions#FORMATS}, as a table with the
 * label column (a double, when present) and the features column (an ML Vector).
 */
final class InputTables {
  private InputTables() {}

  /**
   * The table {@code o} describes, repartitioned if asked.
   *
   * @param needLabel whether the label column must be present (training) or is optional (scoring)
   */
  static Dataset<Row> read(SparkSession spark, InputOptions o, boolean needLabel) {
    Dataset<Row> df;
    if (o.generated()) {
      df =
          GeneratedData.create(
              spark, o.rows(), o.seed(), o.partitions(), o.labelCol(), o.featuresCol());
      return df;
    }
    if (!JobFiles.exists(spark, o.input())) {
      throw new UsageException("--input: no such file or directory: " + o.input());
    }
    String format = o.format() != null ? o.format() : formatOf(spark, o.input());
    df =
        switch (format) {
          case "parquet" -> spark.read().parquet(o.input());
          case "csv" -> csv(spark, o);
          case "libsvm" -> libsvm(spark, o);
          case "idx" -> IdxTable.read(spark, o.input(), o.labels(), o.labelCol(), o.featuresCol());
          default -> throw new UsageException("--format: unknown format '" + format + "'");
        };
    List<String> columns = Arrays.asList(df.columns());
    if (!columns.contains(o.featuresCol())) {
      throw new UsageException(
          "--features-col: "
              + o.input()
              + " has no column '"
              + o.featuresCol()
              + "'; its columns are "
              + columns);
    }
    if (columns.contains(o.labelCol())) {
      df = df.withColumn(o.labelCol(), col(o.labelCol()).cast(DataTypes.DoubleType));
    } else if (needLabel) {
      throw new UsageException(
          "--label-col: "
              + o.input()
              + " has no column '"
              + o.labelCol()
              + "'; its columns are "
              + columns);
    }
    return o.partitions() > 0 ? df.repartition(o.partitions()) : df;
  }

  /**
   * The format of {@code path} from its name: {@code .parquet}, {@code .csv}, {@code .libsvm} /
   * {@code .svm}, an IDX images name ({@code *-images-idx3-ubyte[.gz]}); a folder without a known
   * extension is taken for Parquet (what Spark writes).
   */
  static String formatOf(SparkSession spark, String path) {
    String name = new Path(path).getName().toLowerCase(Locale.ROOT);
    if (name.endsWith(".gz") && !IdxTable.looksLikeImages(name)) {
      name = name.substring(0, name.length() - 3);
    }
    if (name.endsWith(".parquet")) {
      return "parquet";
    } else if (name.endsWith(".csv")) {
      return "csv";
    } else if (name.endsWith(".libsvm") || name.endsWith(".svm")) {
      return "libsvm";
    } else if (IdxTable.looksLikeImages(name)) {
      return "idx";
    } else if (JobFiles.isDirectory(spark, path)) {
      return "parquet";
    }
    throw new UsageException(
        "--format: cannot tell the format of "
            + path
            + " from its name; pass --format "
            + String.join("|", InputOptions.FORMATS));
  }

  /** A CSV file with a header; the feature columns assembled into one vector. */
  private static Dataset<Row> csv(SparkSession spark, InputOptions o) {
    Dataset<Row> raw =
        spark.read().option("header", "true").option("inferSchema", "true").csv(o.input());
    List<String> columns = Arrays.asList(raw.columns());
    List<String> features = new ArrayList<>(o.featureCols());
    if (features.isEmpty()) {
      for (StructField f : raw.schema().fields()) {
        if (f.dataType() instanceof NumericType && !f.name().equals(o.labelCol())) {
          features.add(f.name());
        }
      }
      if (features.isEmpty()) {
        throw new UsageException(
            "--feature-cols: " + o.input() + " has no numeric column besides the label " + columns);
      }
    }
    for (String f : features) {
      if (!columns.contains(f)) {
        throw new UsageException(
            "--feature-cols: "
                + o.input()
                + " has no column '"
                + f
                + "'; its columns are "
                + columns);
      }
    }
    if (columns.contains(o.featuresCol())) {
      throw new UsageException(
          "--features-col: "
              + o.input()
              + " already has a column '"
              + o.featuresCol()
              + "'; choose another name for the assembled features");
    }
    return new VectorAssembler()
        .setInputCols(features.toArray(new String[0]))
        .setOutputCol(o.featuresCol())
        .setHandleInvalid("error")
        .transform(raw);
  }

  /** A LibSVM text file: Spark's {@code label} and {@code features} renamed as asked. */
  private static Dataset<Row> libsvm(SparkSession spark, InputOptions o) {
    return spark
        .read()
        .format("libsvm")
        .load(o.input())
        .withColumnRenamed("label", o.labelCol())
        .withColumnRenamed("features", o.featuresCol());
  }
}
