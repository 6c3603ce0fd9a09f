package org.sparkgrad.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on this machine, for the integration tests and the cluster benchmark:
 * a master and one-core workers, each a child JVM on {@code SPARK_HOME/jars/*}, all bound to
 * 127.0.0.1 on free ports. The SPARK_HOME is a folder with Spark's jars in {@code jars/} (the
 * integration-tests build fills one; the benchmark links its {@code target/lib}); logs go to a
 * folder of the caller's (the executors' logs under its {@code work/} folder). {@link #close()}
 * ends every process tree it started, the workers' executors included, and so does a shutdown hook
 * if the JVM ends first.
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

  private final Path sparkHome;
  private final Path logDir;
  private final List<String> javaOptions;
  private final int port;
  private final int webUiPort;
  private final List<ChildJvm> daemons = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::stopDaemons, "standalone-cluster-stop");

  private StandaloneCluster(
      Path sparkHome, Path logDir, List<String> javaOptions, int port, int webUiPort) {
    this.sparkHome = sparkHome;
    this.logDir = logDir;
    this.javaOptions = List.copyOf(javaOptions);
    this.port = port;
    this.webUiPort = webUiPort;
  }

  /**
   * Starts a master and {@code workers} workers of one core and {@code workerMemory} (e.g. {@code
   * 1g}) each, and waits until the master lists them all as ALIVE.
   *
   * @param sparkHome a folder with Spark's jars in {@code jars/} ({@link #prepareSparkHome})
   * @param logDir where the daemons' and submitted drivers' logs go
   * @param javaOptions the JVM options of every Spark JVM it starts: the module openings that Spark
   *     needs on Java 17, as {@code spark-class} adds them
   * @throws IllegalStateException if a daemon exits, or the workers are not ALIVE within {@code
   *     timeoutSeconds}; everything started is stopped first
   */
  public static StandaloneCluster start(
      Path sparkHome,
      Path logDir,
      List<String> javaOptions,
      int workers,
      String workerMemory,
      long timeoutSeconds)
      throws IOException, InterruptedException {
    int port = freePort();
    int webUiPort = freePort();
    while (webUiPort == port) {
      webUiPort = freePort();
    }
    StandaloneCluster c =
        new StandaloneCluster(prepareSparkHome(sparkHome), logDir, javaOptions, port, webUiPort);
    Runtime.getRuntime().addShutdownHook(c.shutdownHook);
    boolean started = false;
    try {
      c.startDaemons(workers, workerMemory);
      c.awaitWorkers(workers, timeoutSeconds);
      started = true;
      return c;
    } finally {
      if (!started) {
        c.close();
      }
    }
  }

  /**
   * Checks that {@code home} holds Spark's jars in {@code jars/} and gives it the RELEASE file of a
   * binary distribution, which Spark's launcher looks for.
   *
   * @return {@code home}
   * @throws IllegalStateException if {@code home/jars} holds no spark-core jar
   */
  public static Path prepareSparkHome(Path home) throws IOException {
    Path jars = home.resolve("jars");
    try (var files = Files.list(jars)) {
      if (files.noneMatch(p -> p.getFileName().toString().startsWith("spark-core_"))) {
        throw new IllegalStateException(jars + " holds no spark-core jar");
      }
    }
    // Spark's launcher takes a folder with a RELEASE file for a binary distribution.
    Path release = home.resolve("RELEASE");
    if (!Files.exists(release)) {
      Files.writeString(release, "Spark jars for a Sparkgrad standalone cluster\n");
    }
    return home;
  }

  /** The class path of a Spark program: every jar in {@code SPARK_HOME/jars}. */
  public String sparkClassPath() {
    return sparkHome.resolve("jars") + "/*";
  }

  /** The master's URL, {@code spark://127.0.0.1:PORT}. */
  public String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  /** Where the daemons' logs go. */
  public Path logDir() {
    return logDir;
  }

  /** The environment of every Spark JVM of the cluster (daemons and submitted drivers). */
  public Map<String, String> env() {
    return Map.of(
        "SPARK_HOME",
        sparkHome.toString(),
        "SPARK_SCALA_VERSION",
        "2.13",
        "SPARK_LOCAL_IP",
        "127.0.0.1",
        "SPARK_CONF_DIR",
        sparkHome.resolve("conf").toString());
  }

  /** The executor JVMs ({@code CoarseGrainedExecutorBackend}) the workers run now. */
  public List<ProcessHandle> executors() {
    return daemons.stream()
        .flatMap(d -> d.process().descendants())
        .filter(
            p ->
                p.isAlive()
                    && p.info()
                        .commandLine()
                        .map(c -> c.contains("CoarseGrainedExecutorBackend"))
                        .orElse(false))
        .toList();
  }

  /**
   * Starts {@code spark-submit} (SparkSubmit in a child JVM, client deploy mode) against this
   * master with {@code args} after {@code --master URL}; the driver binds to 127.0.0.1.
   */
  public ChildJvm submit(String logName, List<String> args) throws IOException {
    List<String> all = new ArrayList<>();
    all.add("--master");
    all.add(masterUrl());
    all.add("--conf");
    all.add("spark.driver.host=127.0.0.1");
    all.add("--conf");
    all.add("spark.driver.bindAddress=127.0.0.1");
    all.add("--conf");
    all.add("spark.ui.enabled=false");
    all.addAll(args);
    List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC"));
    jvm.addAll(javaOptions);
    return ChildJvm.start(
        logName, logDir, sparkClassPath(), jvm, env(), "org.apache.spark.deploy.SparkSubmit", all);
  }

  private void startDaemons(int workers, String workerMemory) throws IOException {
    Files.createDirectories(sparkHome.resolve("conf"));
    List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC"));
    jvm.addAll(javaOptions);
    String cp = sparkClassPath();
    daemons.add(
        ChildJvm.start(
            "master",
            logDir,
            cp,
            jvm,
            env(),
            "org.apache.spark.deploy.master.Master",
            List.of(
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--webui-port",
                Integer.toString(webUiPort))));
    Path workDir = logDir.resolve("work");
    Files.createDirectories(workDir);
    for (int w = 0; w < workers; w++) {
      daemons.add(
          ChildJvm.start(
              "worker-" + w,
              logDir,
              cp,
              jvm,
              env(),
              "org.apache.spark.deploy.worker.Worker",
              List.of(
                  "--host",
                  "127.0.0.1",
                  "--cores",
                  "1",
                  "--memory",
                  workerMemory,
                  "--webui-port",
                  Integer.toString(freePort()),
                  "--work-dir",
                  workDir.toString(),
                  masterUrl())));
    }
  }

  private void awaitWorkers(int workers, long timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    String last = "(no answer)";
    while (System.nanoTime() < deadline) {
      for (ChildJvm d : daemons) {
        if (!d.isAlive()) {
          throw new IllegalStateException(d + " exited early:\n" + d.tail(40));
        }
      }
      try {
        last = httpGet("http://127.0.0.1:" + webUiPort + "/json/");
        Matcher m = ALIVE_WORKERS.matcher(last);
        if (m.find() && Integer.parseInt(m.group(1)) >= workers) {
          return;
        }
      } catch (IOException e) {
        last = e.toString(); // the master's web UI is not up yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "the master did not list "
            + workers
            + " ALIVE workers within "
            + timeoutSeconds
            + " s; its last answer: "
            + last
            + "\nlogs in "
            + logDir);
  }

  private static String httpGet(String url) throws IOException {
    var conn = URI.create(url).toURL().openConnection();
    conn.setConnectTimeout(2000);
    conn.setReadTimeout(2000);
    try (InputStream in = conn.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A TCP port that was free a moment ago. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stopDaemons() {
    // Workers first (with their executors), then the master.
    for (int i = daemons.size() - 1; i >= 0; i--) {
      daemons.get(i).destroy();
    }
    daemons.clear();
  }

  /** Stops the workers (and their executors) and the master. */
  @Override
  public void close() {
    stopDaemons();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down and runs the hook itself
    }
  }
}
