package org.sparkgrad.it.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.sparkgrad.standalone.StandaloneCluster;

/**
 * The integration tests' settings, as the integration-tests build passes them in system properties
 * (its surefire configuration), and the standalone cluster they describe.
 */
public final class ClusterSettings {
  private ClusterSettings() {}

  /**
   * Starts the tests' cluster: {@code workers} one-core workers of {@code workerMemory} each, on
   * the SPARK_HOME that the build fills ({@code sparkgrad.spark.home}), logging to {@code
   * sparkgrad.cluster.logs}.
   */
  public static StandaloneCluster startCluster(
      int workers, String workerMemory, long timeoutSeconds)
      throws IOException, InterruptedException {
    return StandaloneCluster.start(
        Path.of(property("sparkgrad.spark.home")),
        Path.of(property("sparkgrad.cluster.logs")),
        sparkJavaOptions(),
        workers,
        workerMemory,
        timeoutSeconds);
  }

  /** The JVM options of {@code spark-class}: the module openings Spark needs on Java 17. */
  public static List<String> sparkJavaOptions() {
    String opts = System.getProperty("sparkgrad.spark.java.options", "").trim();
    return opts.isEmpty() ? List.of() : Arrays.asList(opts.split("\\s+"));
  }

  /**
   * A system property that the build sets.
   *
   * @throws AssertionError if it is not set: the tests were not started by the build
   */
  public static String property(String name) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      throw new AssertionError(
          "system property " + name + " is not set; run the tests with mvn (integration-tests)");
    }
    return v;
  }
}
