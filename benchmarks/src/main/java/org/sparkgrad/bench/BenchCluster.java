package org.sparkgrad.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.sparkgrad.standalone.StandaloneCluster;

/**
 * The race's {@link StandaloneCluster}, started from the jars that the benchmarks module copies to
 * {@code target/lib}: a temporary SPARK_HOME whose {@code jars/} links every jar there except
 * Sparkgrad's own, so the application's classes reach the executors only through {@code spark.jars}
 * ({@link #applicationJars}), as they would on a real cluster. {@link #close} stops the cluster and
 * removes the temporary folder (its logs with it).
 */
final class BenchCluster implements AutoCloseable {
  private static final long START_TIMEOUT_S = 180;

  private final Path home;
  private final List<String> appJars = new ArrayList<>();
  private StandaloneCluster cluster;

  /**
   * Starts a master and {@code workers} one-core workers of {@code memory} (e.g. {@code 3g}) each,
   * using the jars in {@code lib} (the module's {@code target/lib}) and {@code benchJar} (the
   * benchmarks jar itself, for spark.jars).
   */
  BenchCluster(Path lib, Path benchJar, int workers, String memory)
      throws IOException, InterruptedException {
    home = Files.createTempDirectory("sparkgrad-standalone-");
    try {
      Path jars = Files.createDirectories(home.resolve("jars"));
      try (Stream<Path> s = Files.list(lib)) {
        for (Path j : (Iterable<Path>) s.sorted()::iterator) {
          String name = j.getFileName().toString();
          if (name.startsWith("sparkgrad-standalone-cluster")) {
            continue; // this launcher, not application code
          } else if (name.startsWith("sparkgrad-")) {
            appJars.add(j.toAbsolutePath().toString());
          } else if (name.endsWith(".jar")) {
            Files.createSymbolicLink(jars.resolve(name), j.toAbsolutePath());
          }
        }
      }
      appJars.add(benchJar.toAbsolutePath().toString());
      cluster =
          StandaloneCluster.start(
              home,
              home.resolve("logs"),
              JvmOptions.SPARK_MODULE_OPTIONS,
              workers,
              memory,
              START_TIMEOUT_S);
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * A cluster of {@code workers} one-core workers of {@code memory} each, from the jars of the
   * benchmarks module's {@code target} folder (where this class was loaded from).
   */
  static BenchCluster fromTarget(int workers, String memory)
      throws IOException, InterruptedException {
    Path target;
    try {
      // target/classes or target/sparkgrad-benchmarks-*.jar
      target =
          Path.of(BenchCluster.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .getParent();
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the benchmarks module's target folder", e);
    }
    return new BenchCluster(target.resolve("lib"), benchmarksJar(target), workers, memory);
  }

  private static Path benchmarksJar(Path target) throws IOException {
    try (Stream<Path> s = Files.list(target)) {
      return s.filter(
              p -> {
                String n = p.getFileName().toString();
                return n.startsWith("sparkgrad-benchmarks-") && n.endsWith(".jar");
              })
          .findFirst()
          .orElseThrow(
              () ->
                  new IOException(
                      "no sparkgrad-benchmarks jar in "
                          + target
                          + "; build it first: mvn -B -q package -DskipTests -pl benchmarks -am"));
    }
  }

  /** The master's URL. */
  String masterUrl() {
    return cluster.masterUrl();
  }

  /** Sparkgrad's module jars and the benchmarks jar, comma-separated for {@code spark.jars}. */
  String applicationJars() {
    return String.join(",", appJars);
  }

  /** Stops the workers (they stop their executors) and the master; removes the home. */
  @Override
  public synchronized void close() {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
    if (!Files.exists(home)) {
      return; // the shutdown hook after a normal close
    }
    try (Stream<Path> s = Files.walk(home)) {
      for (Path f : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      System.err.println("could not remove " + home + ": " + e.getMessage());
    }
  }
}
