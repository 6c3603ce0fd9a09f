package org.sparkgrad.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where {@code nvcc} is installed, the packaged PTX is exactly what the CUDA sources compile to
 * (with the flags of {@code build-ptx.sh}), so nobody edits a kernel and forgets to rebuild. The
 * compiler's banner comments are ignored; PTX from another nvcc release is not compared (its code
 * generation legitimately differs), and the test says so.
 */
class PtxSourcesTest {
  /** The flags of build-ptx.sh. */
  static final List<String> NVCC_FLAGS = List.of("-ptx", "-arch=compute_75", "-O3", "-std=c++17");

  private static final Path SOURCES = Paths.get("src/main/cuda");
  private static final Pattern RELEASE = Pattern.compile("release (\\d+\\.\\d+), V([\\d.]+)");

  @Test
  void packagedPtxMatchesTheSources(@TempDir Path out) throws Exception {
    String nvcc = System.getenv().getOrDefault("NVCC", "nvcc");
    String version = run(List.of(nvcc, "--version"), SOURCES);
    Assumptions.assumeTrue(version != null, "nvcc is not installed here; the packaged PTX is used");
    Matcher local = RELEASE.matcher(version);
    assertThat(local.find()).as("nvcc --version output: %s", version).isTrue();
    for (String module : Kernels.MODULES) {
      String packaged = Kernels.ptx(module);
      Matcher built = RELEASE.matcher(packaged);
      assertThat(built.find()).as("%s.ptx names the nvcc that built it", module).isTrue();
      Assumptions.assumeTrue(
          built.group(2).equals(local.group(2)),
          "the packaged PTX was built by nvcc "
              + built.group(2)
              + ", this machine has nvcc "
              + local.group(2)
              + "; only the same release produces comparable PTX");
      List<String> cmd = new ArrayList<>();
      cmd.add(nvcc);
      cmd.addAll(NVCC_FLAGS);
      cmd.add(module + ".cu");
      cmd.add("-o");
      cmd.add(out.resolve(module + ".ptx").toString());
      assertThat(run(cmd, SOURCES)).as("nvcc on %s.cu", module).isNotNull();
      String fresh = Files.readString(out.resolve(module + ".ptx"), StandardCharsets.US_ASCII);
      assertThat(withoutComments(fresh))
          .as("%s.ptx is stale: run tensor-engine/src/main/cuda/build-ptx.sh", module)
          .isEqualTo(withoutComments(packaged));
    }
  }

  @Test
  void everyKernelTheBackendLaunchesIsPackaged() {
    java.util.Map<String, String> all = new java.util.HashMap<>();
    for (String module : Kernels.MODULES) {
      all.putAll(Kernels.signatures(Kernels.ptx(module)));
    }
    String[] types = {"f32", "f64", "i64"};
    List<String> expected =
        new ArrayList<>(
            List.of(
                "gather_w32",
                "gather_w64",
                "index_select_w32",
                "index_select_w64",
                "sgemm_128x128",
                "sgemm_64x64",
                "dgemm_16x16",
                "softmax_rows_f32",
                "softmax_rows_f64",
                "softmax_cols_f32",
                "softmax_cols_f64"));
    for (String t : types) {
      for (String p :
          List.of(
              "fill_",
              "unary_",
              "binary_",
              "axpy_",
              "sum_rows_",
              "sum_cols_",
              "extreme_rows_",
              "extreme_cols_",
              "scatter_add_",
              "index_add_")) {
        expected.add(p + t);
      }
      for (String u : types) {
        for (String p : List.of("cast_", "copy_", "copy_add_", "where_")) {
          expected.add(p + t + "_" + u);
        }
      }
    }
    assertThat(all.keySet()).containsAll(expected);
    // What Launch checks every call against: the parameter kinds of a few kernels, by hand.
    assertThat(all.get("binary_i64")).isEqualTo("i32,u64,u64,u64,b8[260],i32,u64");
    assertThat(all.get("copy_add_f32_f64")).isEqualTo("u64,i32,u64,i32,b8[260],i32");
    assertThat(all.get("fill_f32")).isEqualTo("u64,i32,f32");
    assertThat(all.get("axpy_i64")).isEqualTo("f64,u64,u64,i32");
    assertThat(all.get("sgemm_128x128"))
        .isEqualTo("i32,i32,i32,i32,i32,f32,u64,i32,u64,i32,f32,u64,i32");
    assertThat(all.get("dgemm_16x16"))
        .isEqualTo("i32,i32,i32,i32,i32,f64,u64,i32,u64,i32,f64,u64,i32");
    assertThat(all.get("gather_w64")).isEqualTo("u64,u64,u64,i32,i32,i32,i32,u64");
    assertThat(all.get("extreme_cols_f32")).isEqualTo("i32,u64,u64,i32,i32,i32");
    assertThat(all.get("softmax_rows_f64")).isEqualTo("u64,u64,i32,i32,i32");
    // Launch compares codes: any difference in kind, order, count or struct size shows.
    assertThat(Kernels.code(List.of("i32", "u64")))
        .isNotEqualTo(Kernels.code(List.of("u64", "i32")));
    assertThat(Kernels.code(List.of("b8[260]"))).isNotEqualTo(Kernels.code(List.of("b8[256]")));
    assertThat(Kernels.code(List.of("f32"))).isNotEqualTo(Kernels.code(List.of("f32", "f32")));
    assertThat(Kernels.code(List.of("f32", "f64")))
        .isNotEqualTo(Kernels.code(List.of("f64", "f32")));
    // The Iter struct is rank + MAX_DIMS shape + MAX_OPS x MAX_DIMS strides, ints.
    assertThat(1 + StridedArgs.MAX_DIMS + StridedArgs.MAX_OPS * StridedArgs.MAX_DIMS)
        .isEqualTo(260 / Integer.BYTES);
  }

  /** The PTX without its comment lines (the compiler banner names the build). */
  private static String withoutComments(String ptx) {
    StringBuilder sb = new StringBuilder();
    for (String line : ptx.split("\n", -1)) {
      if (!line.startsWith("//")) {
        sb.append(line).append('\n');
      }
    }
    return sb.toString();
  }

  /** Runs a command; its output, or null if it cannot start or fails. */
  private static String run(List<String> command, Path dir) throws InterruptedException {
    try {
      Process p =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      byte[] output = p.getInputStream().readAllBytes();
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return new String(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }
}
