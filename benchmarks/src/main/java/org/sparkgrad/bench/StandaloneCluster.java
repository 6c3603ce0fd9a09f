package org.sparkgrad.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A Spark standalone master and workers on loopback, started as child JVMs from the jars that the
 * benchmarks module copies to {@code target/lib}: a temporary SPARK_HOME whose {@code jars/} links
 * every jar there except Sparkgrad's own, so the application's classes reach the executors only
 * through {@code spark.jars} ({@link #applicationJars}), as they would on a real cluster. {@link
 * #close} stops the workers (which stop their executors) and the master.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final long START_TIMEOUT_MS = 180_000;

  private final Path home;
  private final List<Process> processes = new ArrayList<>();
  private final String masterUrl;
  private final List<String> appJars = new ArrayList<>();
  private boolean closed;

  /**
   * Starts a master and {@code workers} workers of {@code coresEach} cores and {@code memory} (e.g.
   * {@code 3g}) each, using the jars in {@code lib} (the module's {@code target/lib}) and {@code
   * benchJar} (the benchmarks jar itself, for spark.jars).
   */
  StandaloneCluster(Path lib, Path benchJar, int workers, int coresEach, String memory)
      throws IOException, InterruptedException {
    home = Files.createTempDirectory("sparkgrad-standalone-");
    Path jars = Files.createDirectories(home.resolve("jars"));
    try (Stream<Path> s = Files.list(lib)) {
      for (Path j : (Iterable<Path>) s.sorted()::iterator) {
        String name = j.getFileName().toString();
        if (name.startsWith("sparkgrad-")) {
          appJars.add(j.toAbsolutePath().toString());
        } else if (name.endsWith(".jar")) {
          Files.createSymbolicLink(jars.resolve(name), j.toAbsolutePath());
        }
      }
    }
    appJars.add(benchJar.toAbsolutePath().toString());
    int port = freePort();
    masterUrl = "spark://127.0.0.1:" + port;
    try {
      Process master =
          start(
              "master",
              List.of(
                  "org.apache.spark.deploy.master.Master",
                  "--host",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(port),
                  "--webui-port",
                  Integer.toString(freePort())));
      awaitLog(master, "master", "I have been elected leader");
      for (int w = 0; w < workers; w++) {
        Path work = Files.createDirectories(home.resolve("work-" + w));
        Process p =
            start(
                "worker-" + w,
                List.of(
                    "org.apache.spark.deploy.worker.Worker",
                    "--host",
                    "127.0.0.1",
                    "--cores",
                    Integer.toString(coresEach),
                    "--memory",
                    memory,
                    "--webui-port",
                    Integer.toString(freePort()),
                    "--work-dir",
                    work.toString(),
                    masterUrl));
        awaitLog(p, "worker-" + w, "Successfully registered with master");
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  String masterUrl() {
    return masterUrl;
  }

  /** Sparkgrad's module jars and the benchmarks jar, comma-separated for {@code spark.jars}. */
  String applicationJars() {
    return String.join(",", appJars);
  }

  private Process start(String name, List<String> mainAndArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.addAll(JvmOptions.SPARK_MODULE_OPTIONS);
    cmd.add("-cp");
    cmd.add(home.resolve("jars") + "/*");
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.redirectErrorStream(true);
    pb.redirectOutput(home.resolve(name + ".log").toFile());
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private void awaitLog(Process p, String name, String line)
      throws IOException, InterruptedException {
    Path log = home.resolve(name + ".log");
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(line)) {
        return;
      }
      if (!p.isAlive()) {
        throw new IOException(
            name + " exited with status " + p.exitValue() + "; its log:\n" + tail(log));
      }
      Thread.sleep(200);
    }
    throw new IOException(
        name
            + " did not log '"
            + line
            + "' within "
            + START_TIMEOUT_MS / 1000
            + " s:\n"
            + tail(log));
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops the workers first (they stop their executors), then the master; removes the home. */
  @Override
  public synchronized void close() {
    if (closed) {
      return; // the shutdown hook after a normal close
    }
    closed = true;
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.destroy();
      try {
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
    try (Stream<Path> s = Files.walk(home)) {
      for (Path f : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      System.err.println("could not remove " + home + ": " + e.getMessage());
    }
  }
}
