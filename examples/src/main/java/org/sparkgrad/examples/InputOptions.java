package org.sparkgrad.examples;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The input options that the training and the scoring job share: where the table is, its format,
 * and which columns hold the label and the features.
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

  /** The option names (taking a value) that this record reads. */
  static final Set<String> OPTIONS =
      Set.of(
          "input",
          "format",
          "labels",
          "label-col",
          "features-col",
          "feature-cols",
          "rows",
          "seed",
          "partitions");

  /** The usage lines of these options, each ending in a newline. */
  static final String USAGE =
      """
        --input PATH|generated    the table to read (any Hadoop path), or 'generated': a built-in
                                  data set of 8 classes in 32 dimensions (no download)
        --format F                parquet|csv|libsvm|idx (default: from the file name; a
                                  folder without an extension is parquet)
        --labels PATH             idx only: the labels file (default: the images file's name
                                  with -images-idx3-ubyte replaced by -labels-idx1-ubyte)
        --label-col NAME          label column (default label)
        --features-col NAME       features column, an ML Vector (default features)
        --feature-cols A,B,C      csv only: the numeric columns to assemble into the features
                                  (default: every numeric column but the label)
        --rows N                  generated only: the number of rows (default 20000)
        --seed N                  random seed of the generated data, the splits and the
                                  training (default 42)
        --partitions N            repartition the input into N partitions (default: as read)
      """;

  /** Reads the input options from parsed arguments. */
  static InputOptions from(CliArgs a) {
    String featureColsRaw = a.string("feature-cols", "").trim();
    List<String> featureCols =
        featureColsRaw.isEmpty()
            ? List.of()
            : Arrays.stream(featureColsRaw.split(",", -1)).map(String::trim).toList();
    if (featureCols.contains("")) {
      throw new UsageException(
          "--feature-cols must be comma-separated column names, got '" + featureColsRaw + "'");
    }
    String format = a.has("format") ? a.choice("format", null, FORMATS) : null;
    return new InputOptions(
        a.required("input"),
        format,
        a.string("labels", null),
        a.string("label-col", "label"),
        a.string("features-col", "features"),
        featureCols,
        a.integer("rows", 20000, 10),
        a.longValue("seed", 42L),
        a.integer("partitions", 0, 0));
  }

  /** Whether the input is the generated data set. */
  boolean generated() {
    return GENERATED.equals(input);
  }
}
