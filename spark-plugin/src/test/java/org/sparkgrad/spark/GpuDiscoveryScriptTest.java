package org.sparkgrad.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code conf/gpu-discovery.sh} with PATH holding only a fake {@code nvidia-smi}, so
 * the result does not depend on the machine's GPUs.
 */
class GpuDiscoveryScriptTest {
  @TempDir Path dir;

  private record Result(int exitCode, String stdout, String stderr) {}

  private Result run(Path pathDir) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("/bin/bash", TestFiles.conf("gpu-discovery.sh").toString());
    pb.environment().put("PATH", pathDir.toString());
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("script finished").isTrue();
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private Result runWithFake(String stdout, int exitCode) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    FakeNvidiaSmi.install(bin, stdout, exitCode);
    return run(bin);
  }

  @Test
  void printsSparksResourceJsonForEachGpu() throws Exception {
    Result r = runWithFake("0\n1\n", 0);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).isEqualTo("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}\n");
    ResourceInformation parsed = ResourceInformation.parseJson(r.stdout());
    assertThat(parsed.name()).isEqualTo("gpu");
    assertThat(parsed.addresses()).containsExactly("0", "1");
  }

  @Test
  void oneGpuWithSpacesAndNoFinalNewline() throws Exception {
    Result r = runWithFake(" 3 ", 0);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).isEqualTo("{\"name\":\"gpu\",\"addresses\":[\"3\"]}\n");
  }

  @Test
  void withoutNvidiaSmiItFailsSayingSo() throws Exception {
    Result r = run(Files.createDirectories(dir.resolve("empty")));
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr()).contains("nvidia-smi not found on PATH").contains("NVIDIA driver");
  }

  @Test
  void aFailingNvidiaSmiIsReportedWithItsOutput() throws Exception {
    Result r =
        runWithFake(
            "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.", 9);
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr())
        .contains("failed")
        .contains("couldn't communicate with the NVIDIA driver");
  }

  @Test
  void noGpusOrGarbageFail() throws Exception {
    Result none = runWithFake("", 0);
    assertThat(none.exitCode()).isNotZero();
    assertThat(none.stderr()).contains("lists no GPU");
    Result garbage = runWithFake("0\nNo devices were found\n", 0);
    assertThat(garbage.exitCode()).isNotZero();
    assertThat(garbage.stdout()).isEmpty();
    assertThat(garbage.stderr()).contains("expected a GPU index").contains("No devices were found");
  }

  @Test
  void theScriptIsExecutableForSpark() {
    assertThat(Files.isExecutable(TestFiles.conf("gpu-discovery.sh"))).isTrue();
  }
}
