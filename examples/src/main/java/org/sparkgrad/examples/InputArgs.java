package org.sparkgrad.examples;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The input options that the training and the scoring job share, as picocli declares them: where
 * the table is, its format, and which columns hold the label and the features. {@link #toOptions}
 * checks them into an {@link InputOptions}.
 */
final class InputArgs {
  @Option(
      names = "--input",
      paramLabel = "PATH|generated",
      description = {
        "the table to read (any Hadoop path), or 'generated': a built-in data set of 8 classes in"
            + " 32 dimensions (no download)"
      })
  String input;

  @Option(
      names = "--format",
      paramLabel = "F",
      description =
          "parquet|csv|libsvm|idx (default: from the file name; a folder without an extension is"
              + " parquet)")
  String format;

  @Option(
      names = "--labels",
      paramLabel = "PATH",
      description =
          "idx only: the labels file (default: the images file's name with -images-idx3-ubyte"
              + " replaced by -labels-idx1-ubyte)")
  String labels;

  @Option(names = "--label-col", paramLabel = "NAME", description = "label column (default label)")
  String labelCol = "label";

  @Option(
      names = "--features-col",
      paramLabel = "NAME",
      description = "features column, an ML Vector (default features)")
  String featuresCol = "features";

  @Option(
      names = "--feature-cols",
      paramLabel = "A,B,C",
      description =
          "csv only: the numeric columns to assemble into the features (default: every numeric"
              + " column but the label)")
  String featureCols = "";

  @Option(
      names = "--rows",
      paramLabel = "N",
      description = "generated only: the number of rows (default 20000)")
  int rows = 20000;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "random seed of the generated data, the splits and the training (default 42)")
  long seed = 42L;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description = "repartition the input into N partitions (default: as read)")
  int partitions;

  /** The checked options; every error names its option. */
  InputOptions toOptions() {
    String cols = featureCols.trim();
    List<String> featureColList =
        cols.isEmpty() ? List.of() : Arrays.stream(cols.split(",", -1)).map(String::trim).toList();
    if (featureColList.contains("")) {
      throw new UsageException(
          "--feature-cols must be comma-separated column names, got '" + cols + "'");
    }
    String checkedFormat =
        format == null ? null : Cli.choice("format", format, InputOptions.FORMATS);
    return new InputOptions(
        Cli.required("input", input),
        checkedFormat,
        labels,
        labelCol,
        featuresCol,
        featureColList,
        Cli.atLeast("rows", rows, 10),
        seed,
        Cli.atLeast("partitions", partitions, 0));
  }
}
