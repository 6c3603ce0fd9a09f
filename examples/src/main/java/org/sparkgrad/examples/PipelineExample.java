package org.sparkgrad.examples;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkgrad.ml.NeuralNetClassifier;

/**
 * A Sparkgrad classifier in an MLlib {@link Pipeline} ({@code VectorAssembler}, {@code
 * StandardScaler}, {@code NeuralNetClassifier}), tuned with {@link CrossValidator} over a small
 * grid of learning rates, evaluated with {@link MulticlassClassificationEvaluator}, saved, and
 * loaded back. {@code PipelineExampleScala} is the same program as a Scala notebook user would
 * write it.
 *
 * <p>Run it with {@code mvn -pl examples exec:java
 * -Dexec.mainClass=org.sparkgrad.examples.PipelineExample [-Dexec.args=MODEL_PATH]}.
 */
public final class PipelineExample {
  /** The number of raw feature columns of the example table. */
  static final int COLUMNS = GeneratedData.DIMS;

  private PipelineExample() {}

  /** The test accuracy of the tuned pipeline, before and after saving and loading it. */
  public record Result(double accuracy, double reloadedAccuracy, ParamMap bestParams) {}

  /** Runs the example; the first argument is where the pipeline is saved. */
  public static void main(String[] args) throws Exception {
    String path = args.length > 0 ? args[0] : "target/pipeline-example-model";
    JobSession.main(
        "PipelineExample",
        args,
        a -> run(JobSession.getOrCreate("PipelineExample"), path, System.out));
  }

  /** A table of {@code COLUMNS} numeric columns {@code x0, x1, ...} and a {@code label}. */
  static Dataset<Row> table(SparkSession spark, int rows, long seed) {
    Dataset<Row> df = GeneratedData.create(spark, rows, seed, 0, "label", "v");
    List<Column> cols = new ArrayList<>();
    cols.add(col("label"));
    for (int i = 0; i < COLUMNS; i++) {
      // Scaled and shifted apart so that the StandardScaler has something to do.
      cols.add(
          vector_to_array(col("v"), "float64")
              .getItem(i)
              .multiply(10.0 * (i + 1))
              .plus(i)
              .as("x" + i));
    }
    return df.select(cols.toArray(new Column[0]));
  }

  /** Tunes, evaluates, saves to {@code path} (overwriting) and reloads the pipeline. */
  public static Result run(SparkSession spark, String path, PrintStream out) throws IOException {
    Dataset<Row>[] split = table(spark, 1500, 7).randomSplit(new double[] {0.8, 0.2}, 7);
    Dataset<Row> train = split[0].cache();
    Dataset<Row> test = split[1].cache();

    String[] inputs = new String[COLUMNS];
    for (int i = 0; i < COLUMNS; i++) {
      inputs[i] = "x" + i;
    }
    VectorAssembler assembler = new VectorAssembler().setInputCols(inputs).setOutputCol("raw");
    StandardScaler scaler = new StandardScaler().setInputCol("raw").setOutputCol("features");
    NeuralNetClassifier nn =
        new NeuralNetClassifier()
            .setHiddenLayers(new int[] {64})
            .setBatchSize(64)
            .setMaxEpochs(6)
            .setSeed(1);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler, scaler, nn});

    ParamMap[] grid =
        new ParamGridBuilder().addGrid(nn.learningRate(), new double[] {3e-4, 1e-2}).build();
    MulticlassClassificationEvaluator accuracy =
        new MulticlassClassificationEvaluator().setMetricName("accuracy");
    CrossValidator cv =
        new CrossValidator()
            .setEstimator(pipeline)
            .setEstimatorParamMaps(grid)
            .setEvaluator(accuracy)
            .setNumFolds(2)
            .setSeed(7);
    CrossValidatorModel tuned = cv.fit(train);
    double[] avg = tuned.avgMetrics();
    for (int i = 0; i < grid.length; i++) {
      out.printf(Locale.ROOT, "cross-validated accuracy %.4f for %s%n", avg[i], oneLine(grid[i]));
    }
    PipelineModel best = (PipelineModel) tuned.bestModel();
    double acc = accuracy.evaluate(best.transform(test));
    out.printf(Locale.ROOT, "best model's test accuracy: %.4f%n", acc);

    best.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    double reloaded = accuracy.evaluate(loaded.transform(test));
    out.printf(Locale.ROOT, "saved to %s; reloaded test accuracy: %.4f%n", path, reloaded);
    train.unpersist();
    test.unpersist();
    return new Result(acc, reloaded, tuned.getEstimatorParamMaps()[argmax(avg)]);
  }

  private static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static String oneLine(ParamMap m) {
    return m.toString().replaceAll("\\s+", " ").trim();
  }
}
