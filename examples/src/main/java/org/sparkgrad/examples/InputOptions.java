package org.sparkgrad.examples;

import java.util.List;

/**
 * The input options that the training and the scoring job share, checked: where the table is, its
 * format, and which columns hold the label and the features ({@link InputArgs} parses them).
 *
 * @param input a path (any Hadoop file system), or {@link #GENERATED} for the built-in data set
 * @param format {@code parquet}, {@code csv}, {@code libsvm}, {@code idx}, or null to tell it from
 *     the path
 * @param labels the IDX labels file, or null to look beside the images file
 * @param labelCol the label column
 * @param featuresCol the features column (made by {@code VectorAssembler} for CSV)
 * @param featureCols the CSV columns to assemble, or empty for every numeric column but the label
 * @param rows the rows of the generated data set
 * @param seed the seed of the generated data set (and of the job's splits)
 * @param partitions repartition the input to this many partitions; 0 leaves it
 */
record InputOptions(
    String input,
    String format,
    String labels,
    String labelCol,
    String featuresCol,
    List<String> featureCols,
    int rows,
    long seed,
    int partitions) {

  /** The {@code --input} value that selects the generated data set. */
  static final String GENERATED = "generated";

  /** The input formats. */
  static final List<String> FORMATS = List.of("parquet", "csv", "libsvm", "idx");

  /** Whether the input is the generated data set. */
  boolean generated() {
    return GENERATED.equals(input);
  }
}
