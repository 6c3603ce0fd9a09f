package org.sparkgrad.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test's main class in a child JVM with this JVM's class path, for what one JVM cannot show
 * and still go on (a small heap, a capped native allocator), and checks that it ends in time and
 * exits 0.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * The output (stdout and stderr) of {@code java jvmOptions -cp [this class path] main}, which
   * must finish within {@code seconds} and exit 0.
   */
  public static String run(List<String> jvmOptions, Class<?> main, int seconds)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as("finished: %s", out).isTrue();
    assertThat(p.exitValue()).as("child failed:%n%s", out).isZero();
    return out;
  }
}
