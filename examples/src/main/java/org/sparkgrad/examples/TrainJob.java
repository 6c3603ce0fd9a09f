package org.sparkgrad.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparkgrad.ml.NeuralNetModel;

/**
 * The training job: reads a table (Parquet, CSV, LibSVM, IDX, or a generated data set), holds out
 * test rows, trains a {@code NeuralNetClassifier} or {@code NeuralNetRegressor} on the rest (with
 * validation rows each epoch), saves the model, writes the training summary (JSON) and the learning
 * curves (PNG), and prints the test metrics and a few scored rows. Every path goes through Hadoop's
 * file system.
 *
 * <pre>
 * spark-submit --class org.sparkgrad.examples.TrainJob sparkgrad-cluster.jar \
 *     --input hdfs:///data/train.parquet --output hdfs:///models/nn --epochs 20
 * </pre>
 *
 * <p>Run with no {@code spark.master} (plain {@code java}, {@code mvn exec:java}) it uses an
 * embedded {@code local[*]} Spark. {@code --help} lists the options.
 */
public final class TrainJob {
  /** The column that marks validation rows in the training split. */
  static final String VALIDATION_COL = "sparkgrad_validation";

  private TrainJob() {}

  /** What a run produced. */
  public record Result(
      NeuralNetModel<?> model,
      SummaryJson.Summary summary,
      Map<String, Double> testMetrics,
      String modelPath,
      String summaryPath,
      String plotPath) {}

  /** Runs the job; exit status 2 and one line on stderr for a bad command line. */
  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    JobSession.main("TrainJob", args, a -> run(a, System.out));
  }

  /**
   * Runs the job in the current (or a new) Spark session, printing to {@code out}.
   *
   * @return what it produced, or null if {@code --help} was asked for
   * @throws UsageException for a bad command line or a missing input, naming the option or file
   */
  public static Result run(String[] args, PrintStream out) {
    TrainCommand command = new TrainCommand();
    if (!Cli.parse(command, args, out)) {
      return null;
    }
    TrainOptions o = command.toOptions();
    SparkSession spark = JobSession.getOrCreate("Sparkgrad TrainJob");
    JobFiles.checkWritable(spark, "output", o.output(), o.overwrite());
    JobFiles.checkWritable(spark, "summary", o.summary(), o.overwrite());
    JobFiles.checkWritable(spark, "plot", o.plot(), o.overwrite());
    if (o.onnx() != null) {
      JobFiles.checkWritable(spark, "onnx", o.onnx(), o.overwrite());
    }

    Dataset<Row> all = InputTables.read(spark, o.input(), true);
    all.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return train(spark, o, all, out);
    } finally {
      all.unpersist();
    }
  }

  private static Result train(
      SparkSession spark, TrainOptions o, Dataset<Row> all, PrintStream out) {
    long seed = o.input().seed();
    Dataset<Row> train = all;
    Dataset<Row> test = null;
    if (o.testFraction() > 0) {
      Dataset<Row>[] split =
          all.randomSplit(new double[] {1 - o.testFraction(), o.testFraction()}, seed);
      train = split[0];
      test = split[1];
    }
    var est = o.estimator();
    if (o.validationFraction() > 0) {
      // Of the training rows; the estimator evaluates these each epoch and does not train on them.
      double share = o.validationFraction() / (1 - o.testFraction());
      train = train.withColumn(VALIDATION_COL, rand(seed + 1).lt(share));
      est.setValidationIndicatorCol(VALIDATION_COL);
    }
    train = train.persist(StorageLevel.MEMORY_AND_DISK());
    long validationRows =
        o.validationFraction() > 0 ? train.filter(col(VALIDATION_COL)).count() : 0;
    SummaryJson.Counts counts =
        new SummaryJson.Counts(
            train.count() - validationRows, validationRows, test == null ? 0 : test.count());
    out.printf(
        Locale.ROOT,
        "Sparkgrad TrainJob: %s on %s: %d training rows (%d more for validation), %d test rows,"
            + " %d partitions, Spark master %s%n",
        o.task(),
        o.input().input(),
        counts.train(),
        counts.validation(),
        counts.test(),
        train.rdd().getNumPartitions(),
        spark.sparkContext().master());

    long start = System.nanoTime();
    NeuralNetModel<?> model;
    try {
      model = est.fit(train);
    } finally {
      train.unpersist();
    }
    double fitSeconds = (System.nanoTime() - start) / 1e9;
    MLWriter writer = model.write();
    try {
      (o.overwrite() ? writer.overwrite() : writer).save(o.output());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model to " + o.output() + ": " + e, e);
    }
    if (o.onnx() != null) {
      model.exportOnnx(o.onnx(), o.overwrite());
    }

    Map<String, Double> metrics = new LinkedHashMap<>();
    Dataset<Row> scored = null;
    if (test != null) {
      scored = model.transform(test).persist(StorageLevel.MEMORY_AND_DISK());
      metrics = evaluate(scored, o);
    }
    String metricName = model.summary().epochs().get(0).metricName();
    SummaryJson.Summary summary =
        SummaryJson.build(o, model.summary(), counts, metrics, fitSeconds);
    JobFiles.write(spark, o.summary(), SummaryJson.toBytes(summary), o.overwrite());
    JobFiles.write(spark, o.plot(), CurvePlot.png(model.summary(), metricName), o.overwrite());

    out.printf(Locale.ROOT, "trained in %.1f s%n", fitSeconds);
    if (!metrics.isEmpty()) {
      List<String> parts = new ArrayList<>();
      metrics.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.4f", k, v)));
      out.println("test " + String.join(", ", parts));
    }
    out.println("model:   " + o.output());
    out.println("summary: " + o.summary());
    out.println("plot:    " + o.plot());
    if (o.onnx() != null) {
      out.println("onnx:    " + o.onnx());
    }
    if (scored != null) {
      out.println("a few scored test rows:");
      // In random order: the split leaves each partition sorted, so the first rows share a label.
      out.print(
          TablePrinter.show(scored.select(shownColumns(o)).orderBy(rand(seed + 2)).limit(5), 5));
      scored.unpersist();
    }
    return new Result(model, summary, metrics, o.output(), o.summary(), o.plot());
  }

  private static Map<String, Double> evaluate(Dataset<Row> scored, TrainOptions o) {
    Map<String, Double> m = new LinkedHashMap<>();
    String label = o.input().labelCol();
    if (o.classification()) {
      MulticlassClassificationEvaluator ev =
          new MulticlassClassificationEvaluator().setLabelCol(label);
      m.put("accuracy", ev.setMetricName("accuracy").evaluate(scored));
      m.put("f1", ev.setMetricName("f1").evaluate(scored));
    } else {
      RegressionEvaluator ev = new RegressionEvaluator().setLabelCol(label);
      m.put("rmse", ev.setMetricName("rmse").evaluate(scored));
      m.put("mae", ev.setMetricName("mae").evaluate(scored));
      m.put("r2", ev.setMetricName("r2").evaluate(scored));
    }
    return m;
  }

  private static Column[] shownColumns(TrainOptions o) {
    List<Column> cols = new ArrayList<>();
    cols.add(col(o.input().labelCol()));
    cols.add(col("prediction"));
    if (o.classification()) {
      cols.add(col("probability"));
    }
    return cols.toArray(new Column[0]);
  }
}
