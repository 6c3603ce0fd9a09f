package org.sparkgrad.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every CUDA kernel on the CPU ({@code src/test/cuda/run-emulated-kernels.sh}: the kernel
 * sources compiled as C++ against a small emulation of CUDA's thread model) and checks it against
 * sequential definitions, with the launch shapes the backend uses. This tests the kernels' logic on
 * machines without a GPU; it needs g++ with C++20 and is skipped, saying so, without one.
 */
class EmulatedKernelsTest {
  private static final Path SCRIPT = Paths.get("src/test/cuda/run-emulated-kernels.sh");

  @Test
  void kernelsComputeTheirDefinitions(@TempDir Path build) throws Exception {
    Assumptions.assumeTrue(gxxPresent(), "g++ is not installed here; kernels are not emulated");
    Process p =
        new ProcessBuilder(List.of("bash", SCRIPT.toString(), build.toString()))
            .redirectErrorStream(true)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(600, TimeUnit.SECONDS)).as("emulation finished in time").isTrue();
    String log = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(log).isZero();
    assertThat(log).contains(" checks, 0 failures");
  }

  private static boolean gxxPresent() throws InterruptedException {
    try {
      Process p = new ProcessBuilder("g++", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
