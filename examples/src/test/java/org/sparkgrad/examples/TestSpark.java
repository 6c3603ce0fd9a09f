package org.sparkgrad.examples;

import org.apache.spark.sql.SparkSession;

/**
 * The one {@code local[2]} Spark session of the examples' test JVM (a session costs about 20 s to
 * start). The jobs find it with {@code getOrCreate}, as they find a cluster's under spark-submit.
 */
final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  /** The shared session, started on first use. */
  static synchronized SparkSession session() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("sparkgrad-examples-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.default.parallelism", "2")
              .getOrCreate();
    }
    return session;
  }
}
