package org.sparkgrad.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkgrad.it.support.ClusterSettings;
import org.sparkgrad.it.support.DistJar;
import org.sparkgrad.it.support.TrainJobRuns;
import org.sparkgrad.standalone.ChildJvm;
import org.sparkgrad.standalone.StandaloneCluster;

/**
 * Stage-level scheduling of the training stage ({@code GpuTrainingStage}) on a standalone cluster
 * whose workers have fake GPUs: each worker discovers its GPU with the real {@code
 * conf/gpu-discovery.sh} in front of a fake {@code nvidia-smi}, and the executors request one. A
 * fit with {@code device=auto} gives its training stage a task resource profile of one GPU per task
 * while the data preparation runs with the default profile; each training task is handed a GPU
 * address by Spark, finds no CUDA there and trains on the CPU, to a model as accurate as usual.
 */
class GpuTrainingStageClusterTest {
  private static final long JOB_TIMEOUT_S = Long.getLong("sparkgrad.cluster.job.timeout", 600);
  private static final Pattern PROFILE =
      Pattern.compile(
          "sparkgrad fit: the training stage takes 1 GPU and 1 core per task .*"
              + "\\(resource profile (\\d+)\\)");
  private static final Pattern TASK_SET =
      Pattern.compile("Adding task set \\S+ with \\d+ tasks resource profile (\\d+)");
  private static final Pattern GPU_TASK =
      Pattern.compile("Starting task .* taskResourceAssignments Map\\(gpu -> Map\\(0 -> ");
  private static final Pattern ACCURACY = Pattern.compile("test accuracy (\\d\\.\\d+)");
  private static final String TASK_DEVICE =
      "sparkgrad task device: cpu (spark.sparkgrad.device=auto and Spark assigned this task GPU"
          + " [0], but CUDA cannot run on cuda:0 here; using the CPU)";

  private static StandaloneCluster cluster;
  private static Path work;
  private static Path logs;
  private static Path discovery;

  @BeforeAll
  static void startCluster() throws Exception {
    work = Path.of(System.getProperty("sparkgrad.test.dir"), "gpu-stage");
    logs = Path.of(ClusterSettings.property("sparkgrad.cluster.logs")).resolve("gpu-stage");
    deleteRecursively(work);
    deleteRecursively(logs);
    Files.createDirectories(work);
    DistJar.path();
    discovery = fakeDiscoveryScript(work);
    List<String> jvm = new ArrayList<>(ClusterSettings.sparkJavaOptions());
    jvm.add("-Dspark.worker.resource.gpu.amount=1");
    jvm.add("-Dspark.worker.resource.gpu.discoveryScript=" + discovery);
    cluster =
        StandaloneCluster.start(
            Path.of(ClusterSettings.property("sparkgrad.spark.home")), logs, jvm, 2, "1g", 300);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theTrainingStageTakesAGpuPerTaskWhileTheOtherStagesTakeNone() throws Exception {
    ChildJvm gpuFit =
        submit(
            "gpu-stage-fit",
            "model",
            List.of(
                "spark.executor.resource.gpu.amount=1",
                "spark.executor.resource.gpu.discoveryScript=" + discovery));
    assertThat(gpuFit.waitFor(JOB_TIMEOUT_S)).as("log:\n%s", gpuFit.tail(60)).isZero();
    String log = gpuFit.logText();

    Matcher decided = PROFILE.matcher(log);
    assertThat(decided.find())
        .as("the driver's line that the training stage takes 1 GPU; log:\n%s", gpuFit.tail(60))
        .isTrue();
    int profile = Integer.parseInt(decided.group(1));
    assertThat(profile).as("the training stage's resource profile").isNotZero();
    List<Integer> taskSetProfiles = new ArrayList<>();
    Matcher sets = TASK_SET.matcher(log);
    while (sets.find()) {
      taskSetProfiles.add(Integer.parseInt(sets.group(1)));
    }
    assertThat(taskSetProfiles)
        .as("the resource profiles of the fit's task sets")
        .contains(profile)
        .contains(0)
        .containsOnly(0, profile);
    assertThat(GPU_TASK.matcher(log).results().count())
        .as("tasks that Spark started with GPU 0 (the two training tasks)")
        .isGreaterThanOrEqualTo(2);

    List<String> executorLogs = executorStderr();
    assertThat(executorLogs).as("the executors' stderr files").isNotEmpty();
    assertThat(executorLogs.stream().filter(s -> s.contains(TASK_DEVICE)).count())
        .as("executors whose training task saw Spark's GPU [0] and fell back to the CPU")
        .isEqualTo(2);

    Matcher accuracy = ACCURACY.matcher(log);
    assertThat(accuracy.find()).as("the test accuracy line; log:\n%s", gpuFit.tail(60)).isTrue();
    assertThat(Double.parseDouble(accuracy.group(1)))
        .as("test accuracy after one epoch on the CPU")
        .isGreaterThan(0.7);
  }

  /**
   * Writes a fake {@code nvidia-smi} that lists GPUs 0 and 1, and a discovery script that runs the
   * repository's {@code conf/gpu-discovery.sh} with it first on the PATH.
   */
  private static Path fakeDiscoveryScript(Path dir) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("fake-bin"));
    executable(
        bin.resolve("nvidia-smi"),
        """
        #!/bin/sh
        if [ "$*" != "--query-gpu=index --format=csv,noheader" ]; then
          echo "fake nvidia-smi: unexpected arguments: $*" >&2; exit 64
        fi
        printf '0\\n1\\n'
        """);
    Path script = dir.resolve("gpu-discovery-fake.sh");
    executable(
        script,
        "#!/bin/bash\n"
            + "PATH='"
            + bin
            + "':\"$PATH\" exec /bin/bash '"
            + repoConf("gpu-discovery.sh")
            + "'\n");
    return script;
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** A file of the repository's {@code conf/}, found from the directory Maven runs tests in. */
  private static Path repoConf(String name) {
    Path dir = Paths.get("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("conf").resolve(name))) {
        return d.resolve("conf").resolve(name);
      }
    }
    throw new IllegalStateException("no conf/" + name + " in " + dir + " or above");
  }

  /** The text of every executor's stderr under the workers' work folder. */
  private static List<String> executorStderr() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> all = Files.walk(logs.resolve("work"))) {
      for (Path p : all.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
        out.add(Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /**
   * Submits TrainJob (1,000 generated rows, 2 partitions, 1 epoch, device=auto) with {@code conf}.
   */
  private static ChildJvm submit(String logName, String model, List<String> conf)
      throws IOException {
    List<String> args =
        TrainJobRuns.submitArgs(
            conf,
            List.of(
                "--input",
                "generated",
                "--rows",
                "1000",
                "--partitions",
                "2",
                "--seed",
                "7",
                "--epochs",
                "1",
                "--batch-size",
                "64",
                "--lr",
                "0.01",
                "--device",
                "auto",
                "--output",
                work.resolve(model).toString()));
    return cluster.submit(logName, args);
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
