package org.sparkgrad.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkgrad.it.support.ClusterSettings;
import org.sparkgrad.it.support.LocalSpark;
import org.sparkgrad.standalone.ChildJvm;

/**
 * Checkpoints on HDFS (an in-JVM MiniDFSCluster) with the driver killed in the middle of writing
 * one: the driver JVM ({@link HdfsCheckpointChild}) halts while the third checkpoint's first file
 * is half written; a second driver started with the same folder resumes from the last complete
 * checkpoint (the half-written one is never read, and is cleaned up) and ends with the model of an
 * uninterrupted fit (here, in the test JVM, without checkpoints).
 */
class HdfsCheckpointKillTest {
  private static MiniDFSCluster dfs;

  @BeforeAll
  static void startHdfs() throws IOException {
    Configuration conf = new Configuration();
    File base = new File(System.getProperty("sparkgrad.test.dir"), "minidfs-checkpoints");
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
    dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
    dfs.waitActive();
  }

  @AfterAll
  static void stopHdfs() {
    if (dfs != null) {
      dfs.shutdown();
    }
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void aDriverKilledWhileWritingACheckpointResumesFromTheLastCompleteOne() throws Exception {
    String dirPath = "/sparkgrad-it/checkpoints-" + UUID.randomUUID();
    String dir = "hdfs://127.0.0.1:" + dfs.getNameNodePort() + dirPath;
    Path work = Path.of(System.getProperty("sparkgrad.test.dir"), "hdfs-checkpoint-kill");
    Path weights = work.resolve("resumed-weights.txt").toAbsolutePath();

    ChildJvm killed = child(work, "killed", 3, dir, work.resolve("unused.txt"));
    assertThat(killed.waitFor(300)).as("exit status of %s", killed).isEqualTo(HaltingHdfs.HALTED);
    assertThat(killed.logText()).contains("halting while writing");
    // Epochs 1 and 2 are complete checkpoints; epoch 3's is a temporary folder with a half file.
    FileSystem fs = dfs.getFileSystem();
    List<String> names = names(fs, dirPath);
    assertThat(names)
        .filteredOn(n -> n.startsWith("ckpt-"))
        .containsExactly("ckpt-000000000008", "ckpt-000000000016");
    assertThat(names).filteredOn(n -> n.startsWith("_tmp-ckpt-24-")).hasSize(1);
    String tmp = names.stream().filter(n -> n.startsWith("_tmp-ckpt-")).findFirst().orElseThrow();
    FileStatus[] half = fs.listStatus(new org.apache.hadoop.fs.Path(dirPath + "/" + tmp));
    assertThat(half).hasSize(1);
    assertThat(Arrays.stream(half).map(s -> s.getPath().getName())).doesNotContain("manifest.json");

    ChildJvm resumed = child(work, "resumed", 0, dir, weights);
    assertThat(resumed.waitFor(300)).as("exit status of %s", resumed).isZero();
    assertThat(resumed.logText())
        .contains("resuming from checkpoint")
        .contains("ckpt-000000000016")
        .doesNotContain("skipping damaged checkpoint")
        .doesNotContain("epoch 1/5:")
        .contains("epoch 3/5:", "epoch 5/5:");
    assertThat(names(fs, dirPath))
        .noneMatch(n -> n.startsWith("_tmp-ckpt-"))
        .contains("ckpt-000000000040");

    float[] reference =
        HdfsCheckpointChild.estimator("")
            .fit(HdfsCheckpointChild.data(LocalSpark.session()))
            .weights();
    float[] got = read(weights);
    assertThat(got).hasSameSizeAs(reference);
    for (int i = 0; i < got.length; i++) {
      assertThat(got[i])
          .as("weight %d of the resumed fit", i)
          .isCloseTo(reference[i], within(1e-6f));
    }
  }

  private static List<String> names(FileSystem fs, String dir) throws IOException {
    List<String> out = new ArrayList<>();
    for (FileStatus s : fs.listStatus(new org.apache.hadoop.fs.Path(dir))) {
      out.add(s.getPath().getName());
    }
    out.sort(null);
    return out;
  }

  /** Starts {@link HdfsCheckpointChild} with this JVM's class path. */
  private static ChildJvm child(Path work, String name, int haltAt, String dir, Path out)
      throws IOException {
    List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC"));
    jvm.addAll(ClusterSettings.sparkJavaOptions());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-Dlog4j")) {
        jvm.add(a);
      }
    }
    jvm.add("-Dsparkgrad.halt.checkpoint=" + haltAt);
    return ChildJvm.start(
        name,
        work,
        System.getProperty("java.class.path"),
        jvm,
        Map.of(),
        HdfsCheckpointChild.class.getName(),
        List.of(dir, out.toString()));
  }

  private static float[] read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    float[] w = new float[lines.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = Float.parseFloat(lines.get(i));
    }
    return w;
  }
}
