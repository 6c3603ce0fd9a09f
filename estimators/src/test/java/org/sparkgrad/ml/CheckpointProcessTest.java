package org.sparkgrad.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkgrad.ml.support.ChildJvmCommand;
import org.sparkgrad.ml.support.EngineLoop;

/**
 * The acceptance test of resuming: a driver JVM killed after epoch 3 of 5 and a second driver JVM
 * started with the same checkpoint folder end with the model of an uninterrupted fit with the same
 * seed (here, in the test JVM). The children's output is in {@code target/checkpoint-process/}.
 */
class CheckpointProcessTest {
  private static final long CHILD_TIMEOUT_S = 480;

  @Test
  @Timeout(value = 1200, unit = TimeUnit.SECONDS)
  void aKilledDriverRestartedWithTheSameFolderEndsWithTheUninterruptedModel() throws Exception {
    Path work = Path.of("target", "checkpoint-process", UUID.randomUUID().toString());
    Files.createDirectories(work);
    Path dir = work.resolve("checkpoints").toAbsolutePath();
    Path weights = work.resolve("resumed-weights.txt");

    int killed = runChild(work, "killed", dir.toUri().toString(), 3, work.resolve("unused.txt"));
    assertThat(killed).as("exit status of the killed driver").isEqualTo(CheckpointChild.HALTED);
    assertThat(Files.readString(work.resolve("killed.err"))).contains("halting after epoch 3");
    // The listener ran before epoch 3's checkpoint, so epochs 1 and 2 are in the folder
    // (240 rows, batch 32: 8 steps per epoch).
    try (var names = Files.list(dir)) {
      assertThat(names.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ckpt-")))
          .containsExactlyInAnyOrder("ckpt-000000000008", "ckpt-000000000016");
    }

    int resumed = runChild(work, "resumed", dir.toUri().toString(), 0, weights);
    assertThat(resumed).as("exit status of the resumed driver").isZero();
    assertThat(Files.readString(work.resolve("resumed.err")))
        .contains("resuming from checkpoint")
        .contains("ckpt-000000000016")
        .doesNotContain("epoch 1/5:")
        .contains("epoch 3/5:", "epoch 5/5:");

    float[] reference = CheckpointChild.estimator("").fit(CheckpointChild.data()).weights();
    float[] got = read(weights);
    assertThat(got).hasSameSizeAs(reference);
    assertThat(EngineLoop.relativeError(got, reference)).isLessThan(1e-5);
  }

  /** Runs {@link CheckpointChild} in a new JVM with this JVM's class path and module options. */
  private static int runChild(Path work, String name, String dir, int haltAfter, Path out)
      throws IOException, InterruptedException {
    List<String> cmd =
        ChildJvmCommand.of(
            true,
            List.of("-Xmx1g"),
            CheckpointChild.class,
            dir,
            Integer.toString(haltAfter),
            out.toAbsolutePath().toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(work.resolve(name + ".out").toFile())
            .redirectError(work.resolve(name + ".err").toFile())
            .start();
    try {
      if (!p.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS)) {
        throw new AssertionError(
            "the " + name + " driver did not finish in " + CHILD_TIMEOUT_S + " s; see " + work);
      }
      return p.exitValue();
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
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
