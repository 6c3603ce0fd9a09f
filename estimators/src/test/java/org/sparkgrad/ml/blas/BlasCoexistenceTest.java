package org.sparkgrad.ml.blas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkgrad.ml.support.ChildJvmCommand;

/**
 * Sparkgrad and MLlib's BLAS and LAPACK users in one JVM, on each BLAS set-up a machine can have: a
 * system OpenBLAS as {@code libblas.so.3} (the set-up where MLlib's first {@code dgemm} used to die
 * with SIGSEGV), Debian's reference BLAS, and no system BLAS at all. Each case is a child JVM
 * running {@link BlasCoexistenceChild}; netlib's {@code nativeLibPath} properties choose the set-up
 * for the child, as a user's machine would.
 *
 * <p>A set-up the machine lacks is skipped, unless {@code SPARKGRAD_BLAS_SETUPS_REQUIRED=1} (which
 * {@code .ci/run} sets after installing them) makes that a failure.
 */
class BlasCoexistenceTest {
  private static final long CHILD_TIMEOUT_S = 420;
  private static final Path WORK = Path.of("target", "blas-coexistence");

  @Test
  @Timeout(value = 900, unit = TimeUnit.SECONDS)
  void systemOpenBlasInEitherOrderGivesMllibItsOwnResults() throws Exception {
    Path dir = libDir();
    requireSetUp(
        Files.exists(dir.resolve("libblas.so.3"))
            && dir.resolve("libblas.so.3").toRealPath().toString().contains("openblas"),
        "libblas.so.3 is not a system OpenBLAS (install libopenblas0-pthread)");
    // Both orders at once: two JVMs that are mostly single-threaded while they start.
    Child first = start("openblas-mllib-first", "mllib-first", List.of());
    Child second = start("openblas-sparkgrad-first", "sparkgrad-first", List.of());
    Map<String, double[]> mllibFirst = finish(first);
    Map<String, double[]> sparkgradFirst = finish(second);
    for (String learner : List.of("mlp", "logistic", "kmeans", "pca", "als")) {
      double[] alone = mllibFirst.get("alone." + learner);
      assertClose(learner + ", MLlib after Sparkgrad", mllibFirst.get("after." + learner), alone);
      assertClose(
          learner + ", MLlib after a Sparkgrad fit that loaded first",
          sparkgradFirst.get("after." + learner),
          alone);
    }
    assertClose(
        "perceptron beside a Sparkgrad fit",
        mllibFirst.get("concurrent.mlp"),
        mllibFirst.get("alone.mlp"));
    assertClose(
        "perceptron beside a Sparkgrad fit, Sparkgrad first",
        sparkgradFirst.get("concurrent.mlp"),
        mllibFirst.get("alone.mlp"));
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void referenceBlasWithSparkgradFirst() throws Exception {
    Path dir = libDir();
    Path blas = dir.resolve("blas").resolve("libblas.so.3");
    requireSetUp(Files.exists(blas), blas + " is missing (install libblas3)");
    Path lapack = dir.resolve("lapack").resolve("liblapack.so.3");
    List<String> props = new ArrayList<>();
    props.add("-Ddev.ludovic.netlib.blas.nativeLibPath=" + blas);
    props.add(
        "-Ddev.ludovic.netlib.lapack.nativeLibPath="
            + (Files.exists(lapack) ? lapack : Path.of("/nonexistent/liblapack.so.3")));
    Map<String, double[]> got =
        finish(start("reference-sparkgrad-first", "sparkgrad-first", props));
    assertClose(
        "perceptron beside a Sparkgrad fit", got.get("concurrent.mlp"), got.get("after.mlp"));
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void noSystemBlasWithSparkgradFirst() throws Exception {
    List<String> props =
        List.of(
            "-Ddev.ludovic.netlib.blas.nativeLibPath=/nonexistent/libblas.so.3",
            "-Ddev.ludovic.netlib.lapack.nativeLibPath=/nonexistent/liblapack.so.3",
            "-Ddev.ludovic.netlib.arpack.nativeLibPath=/nonexistent/libarpack.so.2");
    Map<String, double[]> got = finish(start("none-sparkgrad-first", "sparkgrad-first", props));
    assertClose(
        "perceptron beside a Sparkgrad fit", got.get("concurrent.mlp"), got.get("after.mlp"));
  }

  /**
   * MLlib's learners reach the same values up to the last bits: the JIT compiles MLlib's Java loops
   * between a JVM's first and later fits and may round differently (4e-15 seen); a BLAS bound to
   * the wrong library crashes or gives garbage, far outside this tolerance.
   */
  private static void assertClose(String what, double[] got, double[] want) {
    assertThat(got).as(what).isNotNull().hasSameSizeAs(want);
    for (int i = 0; i < want.length; i++) {
      double tol = 1e-10 * Math.max(1, Math.abs(want[i]));
      if (Math.abs(got[i] - want[i]) > tol) {
        fail(what + ": value " + i + " is " + got[i] + ", MLlib alone gives " + want[i]);
      }
    }
  }

  private static void requireSetUp(boolean present, String why) {
    if ("1".equals(System.getenv("SPARKGRAD_BLAS_SETUPS_REQUIRED"))) {
      assertThat(present).as(why).isTrue();
    }
    assumeTrue(present, why);
  }

  /** The folder of the platform's shared libraries (Debian's multiarch folder on Linux). */
  private static Path libDir() {
    String arch = System.getProperty("os.arch").equals("aarch64") ? "aarch64" : "x86_64";
    Optional<Path> debian =
        Optional.of(Path.of("/usr/lib", arch + "-linux-gnu")).filter(Files::isDirectory);
    return debian.orElse(Path.of("/usr/lib64"));
  }

  /** A child JVM started by {@link #start}. */
  private record Child(String name, Process process, Path log, Path out, List<String> props) {}

  /** Starts the child in a new JVM with netlib's set-up {@code props}. */
  private static Child start(String name, String order, List<String> props) throws IOException {
    Files.createDirectories(WORK);
    Path out = WORK.resolve(name + ".txt").toAbsolutePath();
    Path log = WORK.resolve(name + ".log");
    List<String> jvm = new ArrayList<>(props);
    jvm.add("-Xmx1g");
    // A short-lived JVM: C1 alone and the serial collector spend far less CPU on compiling and
    // collecting than C2 and the default G1 (78 s of CPU against 43 s for one child), and neither
    // touches which native libraries are loaded, which is what this test is about.
    jvm.add("-XX:TieredStopAtLevel=1");
    jvm.add("-XX:+UseSerialGC");
    jvm.add("-XX:ErrorFile=" + WORK.toAbsolutePath().resolve(name + "-hs_err.log"));
    List<String> cmd =
        ChildJvmCommand.of(false, jvm, BlasCoexistenceChild.class, order, out.toString());
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Child(name, p, log, out, props);
  }

  /** Waits for the child; asserts it exited cleanly and used the expected libraries. */
  private static Map<String, double[]> finish(Child child)
      throws IOException, InterruptedException {
    String name = child.name();
    Process p = child.process();
    Path log = child.log();
    Path out = child.out();
    List<String> props = child.props();
    if (!p.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(name + " did not finish in " + CHILD_TIMEOUT_S + " s; see " + log);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue())
        .as("%s exit status (134 is a native crash); its output:%n%s", name, tail(output))
        .isZero();
    assertThat(output).as(name).contains("sparkgrad: cpu (BLAS: OpenBLAS 0.3.30");
    boolean nativeSetUp = props.stream().noneMatch(s -> s.contains("/nonexistent/libblas"));
    if (nativeSetUp) {
      assertThat(output)
          .as("%s: MLlib's netlib bound the system BLAS", name)
          .contains("netlib BLAS: JNIBLAS");
    } else {
      assertThat(output)
          .as("%s: MLlib's netlib uses its Java BLAS", name)
          .contains("netlib BLAS: ")
          .doesNotContain("netlib BLAS: JNIBLAS");
    }
    Map<String, double[]> results = new LinkedHashMap<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      String[] parts = line.split(" ", -1);
      double[] v = new double[parts.length - 1];
      for (int i = 1; i < parts.length; i++) {
        v[i - 1] = Double.parseDouble(parts[i]);
      }
      results.put(parts[0], v);
    }
    return results;
  }

  private static String tail(String s) {
    return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
  }
}
