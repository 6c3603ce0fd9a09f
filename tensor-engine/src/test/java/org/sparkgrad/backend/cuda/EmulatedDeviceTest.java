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
 * The whole Java CUDA backend, JCuda included, against an emulated driver: {@code
 * src/test/cuda/emulated_libcuda.cpp}, built as a {@code libcuda.so.1} that runs the project's
 * kernels on CPU threads. A child JVM with that library on its loader path runs the GPU test
 * classes ({@link CudaBackendContractTest}, {@link CpuVsCudaTest}, {@link AutocastCudaTest}) as if
 * on {@code cuda:0}. This checks everything but the GPU itself (real concurrency of streams, the
 * PTX JIT, speed); it needs g++ and is skipped, saying so, without it or on a machine that has a
 * real CUDA device.
 */
class EmulatedDeviceTest {
  private static final Path BUILD = Paths.get("src/test/cuda/build-emulated-libcuda.sh");

  @Test
  void gpuTestsPassOnTheEmulatedDriver(@TempDir Path dir) throws Exception {
    Assumptions.assumeFalse(CudaTestSupport.available(), "a real CUDA device is present");
    Assumptions.assumeTrue(gxxPresent(), "g++ is not installed here; no emulated driver");
    String built = run(List.of("bash", BUILD.toString(), dir.toString()), null, 300);
    assertThat(built).contains("libcuda.so.1: ");
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    String log =
        run(
            List.of(
                java.toString(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                EmulatedDeviceRunner.class.getName(),
                CudaBackendContractTest.class.getName(),
                CpuVsCudaTest.class.getName(),
                AutocastCudaTest.class.getName()),
            dir,
            900);
    assertThat(log).contains(" passed, 0 failed, 0 skipped");
  }

  /** Runs a command (with {@code libDir} on LD_LIBRARY_PATH if given); its output on success. */
  private static String run(List<String> command, Path libDir, int seconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (libDir != null) {
      pb.environment().put("LD_LIBRARY_PATH", libDir.toString());
      pb.environment().put("SPARKGRAD_EMULATED_GPU_BYTES", Long.toString(1L << 30));
    }
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as("finished in time: %s", text).isTrue();
    assertThat(p.exitValue()).as("%s failed:%n%s", command.get(command.size() - 1), text).isZero();
    return text;
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
