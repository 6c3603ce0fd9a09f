package org.sparkgrad.ml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkgrad.ml.support.Data;
import org.sparkgrad.ml.train.StepFaults;

/**
 * The driver program of {@link FlakyTaskTest}, in its own JVM because it needs a session that
 * retries failed tasks ({@code local[2,4]}, as {@code spark.task.maxFailures=4} on a cluster) and
 * the test JVM's shared session does not. It fits the same classifier four times, undisturbed and
 * with the first attempt of partition 1's task throwing once at epoch 2, step 3, through the step
 * channel and through one job per step, and writes each fit's result to {@code <name>.txt} in the
 * folder given as the only argument: the failed tasks Spark saw, the Spark jobs the fit ran, then
 * the weights, one per line.
 */
public final class FlakyTaskChild {
  private static final AtomicBoolean ARMED = new AtomicBoolean();
  private static final AtomicInteger FAILED_TASKS = new AtomicInteger();
  private static final AtomicInteger JOBS = new AtomicInteger();

  private FlakyTaskChild() {}

  /** The estimator of the test. */
  static NeuralNetClassifier estimator() {
    return new NeuralNetClassifier()
        .setHiddenLayers(new int[] {10})
        .setOptimizer("adam")
        .setLearningRate(0.02)
        .setBatchSize(32)
        .setMaxEpochs(3)
        .setSeed(31)
        .setNumReplicas(2)
        .setDevice("cpu");
  }

  /** Runs the fits; see the class comment. */
  public static void main(String[] args) throws IOException, TimeoutException {
    SparkSession spark =
        SparkSession.builder()
            .master("local[2,4]")
            .appName("sparkgrad-flaky-task")
            .config("spark.task.maxFailures", "4")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.default.parallelism", "2")
            .getOrCreate();
    spark
        .sparkContext()
        .addSparkListener(
            new SparkListener() {
              @Override
              public void onJobStart(SparkListenerJobStart job) {
                JOBS.incrementAndGet();
              }

              @Override
              public void onTaskEnd(SparkListenerTaskEnd task) {
                if (!task.taskInfo().successful()) {
                  FAILED_TASKS.incrementAndGet();
                }
              }
            });
    StepFaults.install(
        (partition, epoch, step) -> {
          if (partition == 1
              && epoch == 1
              && step == 2
              && TaskContext.get().attemptNumber() == 0
              && ARMED.compareAndSet(true, false)) {
            throw new IllegalStateException("flaky executor: injected failure at epoch 2, step 3");
          }
        });
    Dataset<Row> data = spark.createDataFrame(Data.blobs(240, 13), Data.schema()).cache();
    data.count();
    Path out = Path.of(args[0]);
    for (String transport : new String[] {"channel", "jobs"}) {
      spark.conf().set("spark.sparkgrad.fit.transport", transport);
      fit(data, false, out.resolve("undisturbed-" + transport + ".txt"));
      fit(data, true, out.resolve("flaky-" + transport + ".txt"));
    }
    System.exit(0);
  }

  private static void fit(Dataset<Row> data, boolean flaky, Path file)
      throws IOException, TimeoutException {
    data.sparkSession().sparkContext().listenerBus().waitUntilEmpty();
    FAILED_TASKS.set(0);
    JOBS.set(0);
    ARMED.set(flaky);
    float[] w = estimator().fit(data).weights();
    data.sparkSession().sparkContext().listenerBus().waitUntilEmpty();
    List<String> lines = new ArrayList<>();
    lines.add(Integer.toString(FAILED_TASKS.get()));
    lines.add(Integer.toString(JOBS.get()));
    for (float v : w) {
      lines.add(Float.toString(v));
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
  }
}
