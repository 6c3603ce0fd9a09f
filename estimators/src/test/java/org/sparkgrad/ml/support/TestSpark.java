package org.sparkgrad.ml.support;

import org.apache.spark.sql.SparkSession;

/**
 * The one {@code local[2]} Spark session of a test JVM: a session costs about 20 s to start on a
 * 2-core machine, so every test class shares it. It is stopped by Spark's own shutdown hook when
 * the JVM exits.
 */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  /** The shared session, started on first use. */
  public static synchronized SparkSession session() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("sparkgrad-estimators-tests")
              // The UI on a free port: TrainingProgressTabTest reads the Sparkgrad tab.
              .config("spark.ui.enabled", "true")
              .config("spark.ui.port", "0")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.default.parallelism", "2")
              .getOrCreate();
    }
    return session;
  }
}
