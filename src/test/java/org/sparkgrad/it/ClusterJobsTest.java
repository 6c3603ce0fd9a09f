package org.sparkgrad.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.sparkgrad.examples.TrainJob;
import org.sparkgrad.it.support.ClusterSettings;
import org.sparkgrad.it.support.DistJar;
import org.sparkgrad.it.support.LargerThanHeapFit;
import org.sparkgrad.it.support.LocalSpark;
import org.sparkgrad.it.support.TrainJobRuns;
import org.sparkgrad.ml.NeuralNetClassificationModel;
import org.sparkgrad.standalone.ChildJvm;
import org.sparkgrad.standalone.StandaloneCluster;

/**
 * The example jobs submitted with the cluster jar to a Spark standalone cluster (a master and two
 * one-core workers on this machine), as a user would run them with {@code spark-submit}: training,
 * then batch scoring of the saved model, then training again with Kryo and {@code
 * spark.kryo.registrationRequired=true}, a fit that survives a killed executor, and a fit on a
 * table larger than the executors' heap ({@code LargerThanHeapFit}). One cluster serves every test
 * of the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterJobsTest {
  /**
   * Seconds a submitted job may take: a job takes about a minute on an idle 2-core machine, but
   * much longer on a loaded one. {@code -Dsparkgrad.cluster.job.timeout=SECONDS} changes it.
   */
  private static final long JOB_TIMEOUT_S = Long.getLong("sparkgrad.cluster.job.timeout", 600);

  private static final int TRAIN_ROWS = 4000;
  private static final int SCORE_ROWS = 1500;

  private static StandaloneCluster cluster;
  private static Path work;

  @BeforeAll
  static void startCluster() throws Exception {
    work = Path.of(System.getProperty("sparkgrad.test.dir"), "cluster-jobs");
    deleteRecursively(work);
    Files.createDirectories(work);
    DistJar.path(); // fail before starting anything if the jar is missing
    cluster = ClusterSettings.startCluster(2, "1g", 300);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void trainJobTrainsAndSavesTheModelOnTheCluster() throws Exception {
    JsonNode summary = train("train", work.resolve("model"), List.of());
    assertThat(Files.isDirectory(work.resolve("model/metadata"))).isTrue();
    assertThat(summary.get("epochs")).hasSize(3);
    JsonNode rows = summary.get("rows");
    assertThat(
            rows.get("train").asLong()
                + rows.get("validation").asLong()
                + rows.get("test").asLong())
        .isEqualTo(TRAIN_ROWS);
    double first = summary.get("epochs").get(0).get("trainLoss").asDouble();
    double last = summary.get("epochs").get(2).get("trainLoss").asDouble();
    assertThat(last).isLessThan(first);
  }

  @Test
  @Order(2)
  void scoreJobScoresATableWithTheSavedModel() throws Exception {
    Path model = work.resolve("model");
    if (!Files.isDirectory(model)) {
      train("train-for-score", model, List.of());
    }
    Path scored = work.resolve("scored");
    ChildJvm submit =
        cluster.submit(
            "score",
            List.of(
                "--class",
                "org.sparkgrad.examples.ScoreJob",
                "--conf",
                "spark.executor.memory=768m",
                DistJar.path().toString(),
                "--model",
                model.toString(),
                "--input",
                "generated",
                "--rows",
                Integer.toString(SCORE_ROWS),
                "--output",
                scored.toString()));
    assertThat(submit.waitFor(JOB_TIMEOUT_S))
        .as("ScoreJob exit status; log:\n%s", submit.tail(60))
        .isZero();
    var table = LocalSpark.session().read().parquet(scored.toString());
    assertThat(table.count()).isEqualTo(SCORE_ROWS);
    assertThat(table.columns()).contains("features", "prediction", "probability");
    // 8 well-separated classes: a model trained for 3 epochs gets most rows right.
    assertThat((double) table.filter("prediction = label").count() / SCORE_ROWS).isGreaterThan(0.5);
  }

  @Test
  @Order(3)
  void trainingWithKryoAndRegistrationRequiredMatchesJavaSerialization() throws Exception {
    Path plainModel = work.resolve("model");
    Path plainSummary = work.resolve("model-summary.json");
    if (!Files.exists(plainSummary)) {
      train("train-plain", plainModel, List.of());
    }
    JsonNode kryo =
        train(
            "train-kryo",
            work.resolve("model-kryo"),
            List.of(
                "--conf",
                "spark.serializer=org.apache.spark.serializer.KryoSerializer",
                "--conf",
                "spark.kryo.registrator=org.sparkgrad.spark.SparkgradKryoRegistrator",
                "--conf",
                "spark.kryo.registrationRequired=true"));
    JsonNode plain = new ObjectMapper().readTree(plainSummary.toFile());
    // The same rows and seed give the same training whatever the serializer.
    for (int e = 0; e < 3; e++) {
      double expected = plain.get("epochs").get(e).get("trainLoss").asDouble();
      assertThat(kryo.get("epochs").get(e).get("trainLoss").asDouble())
          .as("train loss of epoch %d", e + 1)
          .isCloseTo(expected, within(1e-5 * Math.abs(expected)));
    }
  }

  @Test
  @Order(4)
  void aFitSurvivesAKilledExecutorWithTheWeightsOfAnUndisturbedFit() throws Exception {
    // Batch 2: about 1,380 steps an epoch, two seconds or more on this cluster, so that the kill
    // below, half a second after epoch 2's tasks were launched, lands in the middle of epoch 2,
    // while its tasks are connected to the driver's step channel.
    List<String> longer = List.of("--epochs", "3", "--batch-size", "2", "--lr", "0.001");
    // The undisturbed fit runs in this JVM's local[2] session, where it takes a fraction of a
    // submission's time: the model does not depend on where its two partitions are computed.
    LocalSpark.session();
    TrainJob.run(
        trainJobArgs(work.resolve("model-reference"), longer).toArray(String[]::new),
        new PrintStream(OutputStream.nullOutputStream()));

    ChildJvm disturbed = submitTrain("loss-disturbed", work.resolve("model-disturbed"), longer);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOB_TIMEOUT_S);
    int epoch1;
    while ((epoch1 = disturbed.logText().indexOf("sparkgrad fit: epoch 1/3")) < 0
        || disturbed.logText().indexOf("foreachPartitionAsync at StepChannel", epoch1) < 0) {
      assertThat(disturbed.isAlive())
          .as("TrainJob ended before its second epoch; log:\n%s", disturbed.tail(60))
          .isTrue();
      assertThat(System.nanoTime()).as("second epoch within the timeout").isLessThan(deadline);
      Thread.sleep(50);
    }
    Thread.sleep(500);
    List<ProcessHandle> executors = cluster.executors();
    assertThat(executors).as("executors of the running fit").hasSize(2);
    ProcessHandle victim = executors.get(0);
    assertThat(victim.destroyForcibly()).isTrue();
    victim.onExit().get(60, TimeUnit.SECONDS);
    assertThat(disturbed.isAlive()).as("the fit still runs after the executor died").isTrue();

    assertThat(disturbed.waitFor(JOB_TIMEOUT_S))
        .as("TrainJob exit status; log:\n%s", disturbed.tail(60))
        .isZero();
    String log = disturbed.logText();
    assertThat(log.contains("sparkgrad fit: epoch 3/3"))
        .as("the fit logged its last epoch; log:\n%s", disturbed.tail(60))
        .isTrue();
    assertThat(log.contains("step channel: lost partition"))
        .as(
            "the driver saw the killed executor's task leave the step channel; log:\n%s",
            disturbed.tail(60))
        .isTrue();
    float[] expected = TrainJobRuns.weights(work.resolve("model-reference"));
    float[] actual = TrainJobRuns.weights(work.resolve("model-disturbed"));
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i])
          .as("weight %d", i)
          .isCloseTo(expected[i], within(1e-5f * Math.max(1f, Math.abs(expected[i]))));
    }
  }

  /**
   * A fit on a table about three times larger than an executor's heap completes, with {@code
   * dataStorage=auto} choosing to stream, and trains the model that the same rows give in memory
   * (fitted in this JVM's 2 GiB heap). The executors get 96 MiB heaps: below Spark's minimum of 450
   * MiB, so the application lowers the memory Spark reserves for itself ({@code
   * spark.testing.reservedMemory}, 300 MiB by default) to 16 MiB; Spark then manages 0.6 of the
   * remaining 80 MiB of each heap. Netty's direct memory is as large as the heap, and an executor
   * refuses to start unless it is larger than the largest remote block it fetches into memory
   * ({@code spark.network.maxRemoteBlockSizeFetchToMem}, 200 MiB by default), so larger blocks go
   * to disk past 16 MiB. Chunks of 64 KiB ({@code spark.sparkgrad.fit.streamChunkKiB}) bound what
   * Spark's Java serializer keeps reachable (its last 100 objects) to 6.4 MiB a stream.
   */
  @Test
  @Order(5)
  void aFitOnATableLargerThanTheExecutorHeapStreamsToTheModelOfAFitInMemory() throws Exception {
    Path table = work.resolve("larger-than-heap.parquet");
    LargerThanHeapFit.generate(LocalSpark.session(), table);
    Path model = work.resolve("model-larger-than-heap");
    ChildJvm submit =
        cluster.submit(
            "larger-than-heap",
            List.of(
                "--class",
                LargerThanHeapFit.class.getName(),
                "--conf",
                "spark.executor.memory=96m",
                "--conf",
                "spark.testing.reservedMemory=" + (16 << 20),
                "--conf",
                "spark.network.maxRemoteBlockSizeFetchToMem=16m",
                "--conf",
                "spark.sql.files.maxPartitionBytes=1g",
                "--conf",
                "spark.sparkgrad.fit.streamChunkKiB=64",
                "--jars",
                DistJar.path().toString(),
                LargerThanHeapFit.jar(work.resolve("larger-than-heap.jar")).toString(),
                table.toString(),
                model.toString(),
                "auto"));
    assertThat(submit.waitFor(JOB_TIMEOUT_S))
        .as("LargerThanHeapFit exit status; log:\n%s", submit.tail(60))
        .isZero();
    String log = submit.logText();
    assertThat(log)
        .as("auto chose to stream; log:\n%s", submit.tail(60))
        .contains("streamed from chunks");
    Matcher heap = Pattern.compile("executor max heap: (\\d+)").matcher(log);
    assertThat(heap.find()).as("the executors' heap was printed").isTrue();
    long blockBytes = (long) LargerThanHeapFit.ROWS * (4L * (LargerThanHeapFit.FEATURES + 1) + 16);
    System.out.printf(
        "larger-than-heap: %d MiB of rows in blocks, executor max heap %d MiB%n",
        blockBytes >> 20, Long.parseLong(heap.group(1)) >> 20);
    assertThat(blockBytes).isGreaterThan(3 * Long.parseLong(heap.group(1)));

    SparkSession local = LocalSpark.session();
    local.conf().set("spark.sql.files.maxPartitionBytes", "1g");
    float[] expected;
    try {
      expected =
          LargerThanHeapFit.classifier("memory")
              .fit(local.read().parquet(table.toString()))
              .weights();
    } finally {
      local.conf().unset("spark.sql.files.maxPartitionBytes");
    }
    // the same rows in the same partitions, so the same sums in the same order: equal to the bit
    assertThat(NeuralNetClassificationModel.load(model.toString()).weights())
        .containsExactly(expected);
  }

  /** Starts TrainJob on the generated data set with {@code extra} options. */
  private static ChildJvm submitTrain(String logName, Path model, List<String> extra)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--class",
                "org.sparkgrad.examples.TrainJob",
                "--conf",
                "spark.executor.memory=768m",
                DistJar.path().toString()));
    args.addAll(trainJobArgs(model, extra));
    return cluster.submit(logName, args);
  }

  /**
   * TrainJob's arguments for the generated data set, written to {@code model}, then {@code extra}.
   */
  private static List<String> trainJobArgs(Path model, List<String> extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--input",
                "generated",
                "--rows",
                Integer.toString(TRAIN_ROWS),
                "--partitions",
                "2",
                "--seed",
                "7",
                "--output",
                model.toString()));
    args.addAll(extra);
    return args;
  }

  /** Submits TrainJob on the generated data set and returns its summary JSON. */
  private static JsonNode train(String logName, Path model, List<String> conf) throws Exception {
    List<String> args = new ArrayList<>(List.of("--class", "org.sparkgrad.examples.TrainJob"));
    args.addAll(List.of("--conf", "spark.executor.memory=768m"));
    args.addAll(conf);
    args.add(DistJar.path().toString());
    args.addAll(
        List.of(
            "--input",
            "generated",
            "--rows",
            Integer.toString(TRAIN_ROWS),
            "--partitions",
            "2",
            "--epochs",
            "3",
            "--batch-size",
            "256",
            "--lr",
            "0.01",
            "--output",
            model.toString()));
    ChildJvm submit = cluster.submit(logName, args);
    assertThat(submit.waitFor(JOB_TIMEOUT_S))
        .as("TrainJob exit status; log:\n%s", submit.tail(60))
        .isZero();
    Path summary = Path.of(model + "-summary.json");
    assertThat(summary).as("the training summary").exists();
    return new ObjectMapper().readTree(summary.toFile());
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
