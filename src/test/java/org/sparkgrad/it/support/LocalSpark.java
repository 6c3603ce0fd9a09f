package org.sparkgrad.it.support;

import org.apache.spark.sql.SparkSession;

/**
 * The one {@code local[2]} Spark session of the test JVM (a session costs about 20 s to start on a
 * 2-core machine, so the test classes share it); Spark's shutdown hook stops it.
 */
public final class LocalSpark {
  private static SparkSession session;

  private LocalSpark() {}

  /** The shared session, started on first use. */
  public static synchronized SparkSession session() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("sparkgrad-integration-tests")
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
