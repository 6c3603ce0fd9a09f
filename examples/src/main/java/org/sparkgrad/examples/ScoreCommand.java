package org.sparkgrad.examples;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The command line of {@link ScoreJob}, as picocli declares it (which also generates --help). */
@Command(
    name = "ScoreJob",
    customSynopsis =
        "ScoreJob --model MODEL_PATH --input PATH|generated --output PARQUET_PATH [options]",
    description = {
      "Scores a table with a saved Sparkgrad model (or a PipelineModel) and writes the rows with the"
          + " prediction columns as Parquet. Paths may be on any Hadoop file system.",
      ""
    },
    sortOptions = false)
final class ScoreCommand {
  @Option(names = "--model", paramLabel = "PATH", description = "the saved model (required)")
  String model;

  @Option(
      names = "--output",
      paramLabel = "PATH",
      description = "where the scored Parquet goes (required)")
  String output;

  @Option(names = "--overwrite", arity = "0", description = "replace an existing output")
  boolean overwrite;

  @Option(names = "--help", usageHelp = true, description = "print this and exit")
  boolean help;

  @Mixin(name = "Input (as for TrainJob; the label column is optional)")
  InputArgs input = new InputArgs();
}
