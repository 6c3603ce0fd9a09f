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

/**
 * A flaky executor: a task that throws once at a given step, retried by Spark ({@code
 * spark.task.maxFailures=4}), changes nothing: the fit completes with the weights of an undisturbed
 * fit, through the step channel and through one job per step. The fits run in a child JVM ({@link
 * FlakyTaskChild}), whose output is in {@code target/flaky-task/}.
 */
class FlakyTaskTest {
  private static final long CHILD_TIMEOUT_S = 300;

  @Test
  @Timeout(value = 400, unit = TimeUnit.SECONDS)
  void aTaskThatThrowsOnceIsRetriedAndTheModelIsTheUndisturbedOne() throws Exception {
    Path work = Path.of("target", "flaky-task", UUID.randomUUID().toString()).toAbsolutePath();
    Files.createDirectories(work);
    assertThat(runChild(work)).as("exit status of the child; see " + work).isZero();

    for (String transport : new String[] {"channel", "jobs"}) {
      List<String> calm = lines(work.resolve("undisturbed-" + transport + ".txt"));
      List<String> flaky = lines(work.resolve("flaky-" + transport + ".txt"));
      assertThat(calm.get(0))
          .as("failed tasks of the undisturbed %s fit", transport)
          .isEqualTo("0");
      assertThat(flaky.get(0)).as("failed tasks of the flaky %s fit", transport).isEqualTo("1");
      // The same number of Spark jobs: the retry happened inside the step's own job (the channel
      // was not given up for one job per step).
      assertThat(flaky.get(1))
          .as("Spark jobs of the flaky %s fit", transport)
          .isEqualTo(calm.get(1));
      float[] expected = weights(calm);
      float[] got = weights(flaky);
      assertThat(got).hasSameSizeAs(expected);
      for (int i = 0; i < got.length; i++) {
        assertThat((double) got[i])
            .as("weight %d after a flaky %s fit", i, transport)
            .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-6));
      }
    }
  }

  /** Runs {@link FlakyTaskChild} with this JVM's class path and module options. */
  private static int runChild(Path work) throws IOException, InterruptedException {
    List<String> cmd =
        ChildJvmCommand.of(true, List.of("-Xmx1g"), FlakyTaskChild.class, work.toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(work.resolve("child.out").toFile())
            .redirectError(work.resolve("child.err").toFile())
            .start();
    try {
      if (!p.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS)) {
        throw new AssertionError(
            "the child did not finish in " + CHILD_TIMEOUT_S + " s; see " + work);
      }
      return p.exitValue();
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  private static float[] weights(List<String> lines) {
    float[] w = new float[lines.size() - 2];
    for (int i = 0; i < w.length; i++) {
      w[i] = Float.parseFloat(lines.get(i + 2));
    }
    return w;
  }
}
