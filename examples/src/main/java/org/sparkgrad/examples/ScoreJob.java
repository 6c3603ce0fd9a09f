package org.sparkgrad.examples;

import java.io.PrintStream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.sparkgrad.ml.NeuralNetClassificationModel;
import org.sparkgrad.ml.NeuralNetRegressionModel;

/**
 * The batch scoring job: loads a saved model (a {@code NeuralNetClassificationModel}, a {@code
 * NeuralNetRegressionModel}, or a {@code PipelineModel} holding one, told apart by the saved
 * metadata), scores a table read as {@link TrainJob} reads it, and writes the input rows with the
 * prediction columns as Parquet.
 *
 * <pre>
 * spark-submit --class org.sparkgrad.examples.ScoreJob sparkgrad-cluster.jar \
 *     --model hdfs:///models/nn --input hdfs:///data/new.parquet --output hdfs:///scored
 * </pre>
 */
public final class ScoreJob {
  private ScoreJob() {}

  /** What a run produced. */
  public record Result(long rows, String outputPath, String modelClass) {}

  /** Runs the job; exit status 2 and one line on stderr for a bad command line. */
  public static void main(String[] args) throws Exception {
    JobSession.main("ScoreJob", args, a -> run(a, System.out));
  }

  /**
   * Runs the job in the current (or a new) Spark session, printing to {@code out}.
   *
   * @return the rows written and where, or null if {@code --help} was asked for
   * @throws UsageException for a bad command line or a missing file, naming the option or file
   */
  public static Result run(String[] args, PrintStream out) {
    ScoreCommand command = new ScoreCommand();
    if (!Cli.parse(command, args, out)) {
      return null;
    }
    String modelPath = Cli.required("model", command.model);
    String output = Cli.required("output", command.output);
    InputOptions input = command.input.toOptions();
    boolean overwrite = command.overwrite;

    SparkSession spark = JobSession.getOrCreate("Sparkgrad ScoreJob");
    JobFiles.checkWritable(spark, "output", output, overwrite);
    Transformer model = load(spark, modelPath);
    Dataset<Row> table = InputTables.read(spark, input, false);
    Dataset<Row> scored = model.transform(table);
    scored.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(output);
    long rows = spark.read().parquet(output).count();
    out.println(
        "ScoreJob: scored "
            + rows
            + " rows with "
            + model.getClass().getSimpleName()
            + " from "
            + modelPath);
    out.println("scored rows: " + output);
    return new Result(rows, output, model.getClass().getName());
  }

  /** Loads the model at {@code path}, choosing the reader from its saved class name. */
  static Transformer load(SparkSession spark, String path) {
    if (!JobFiles.exists(spark, path)) {
      throw new UsageException("--model: no such file or directory: " + path);
    }
    if (!JobFiles.exists(spark, path + "/metadata")) {
      throw new UsageException(
          "--model: " + path + " has no metadata/ folder, so it is not a saved Spark ML model");
    }
    String className = DefaultParamsReader.loadMetadata(path, spark, "").className();
    if (className.equals(NeuralNetClassificationModel.class.getName())) {
      return NeuralNetClassificationModel.load(path);
    } else if (className.equals(NeuralNetRegressionModel.class.getName())) {
      return NeuralNetRegressionModel.load(path);
    } else if (className.equals(PipelineModel.class.getName())) {
      return PipelineModel.load(path);
    }
    throw new UsageException(
        "--model: "
            + path
            + " holds a "
            + className
            + ", not a Sparkgrad model or a PipelineModel");
  }
}
