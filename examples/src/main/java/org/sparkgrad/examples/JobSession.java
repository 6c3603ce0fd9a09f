package org.sparkgrad.examples;

import java.io.PrintStream;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of a job. Under {@code spark-submit} the master and everything else come from
 * the submit command; run directly ({@code java}, {@code mvn exec:java}) with no {@code
 * spark.master} set, the job falls back to an embedded {@code local[*]} Spark. An existing session
 * (a test's, a notebook's) is reused as it is.
 */
final class JobSession {
  private JobSession() {}

  /** The active or default session, else a new one named {@code appName}. */
  static SparkSession getOrCreate(String appName) {
    if (SparkSession.getActiveSession().isDefined()) {
      return SparkSession.getActiveSession().get();
    }
    if (SparkSession.getDefaultSession().isDefined()) {
      return SparkSession.getDefaultSession().get();
    }
    SparkConf conf = new SparkConf(); // spark.* system properties, as spark-submit sets them
    SparkSession.Builder builder = SparkSession.builder();
    if (!conf.contains("spark.master")) {
      builder.master("local[*]").config("spark.ui.showConsoleProgress", "false");
    }
    if (!conf.contains("spark.app.name")) {
      builder.appName(appName);
    }
    return builder.getOrCreate();
  }

  /** What a job's {@code run} method does with its arguments. */
  @FunctionalInterface
  interface Job {
    /** Runs the job; throws {@link UsageException} for a bad command line. */
    void run(String[] args) throws Exception;
  }

  /**
   * Runs {@code job} as a program would: a {@link UsageException} prints one line to {@code err}
   * and gives exit status 2; success gives 0; any other failure propagates. Tests call this; a
   * {@code main} passes the status to {@code System.exit} after {@link #stop()}.
   */
  static int exitStatus(String name, String[] args, PrintStream err, Job job) throws Exception {
    try {
      job.run(args);
      return 0;
    } catch (UsageException e) {
      err.println(name + ": " + e.getMessage());
      return 2;
    }
  }

  /** Stops the default session, if any, so that a program's JVM can end. */
  static void stop() {
    if (SparkSession.getDefaultSession().isDefined()) {
      SparkSession.getDefaultSession().get().stop();
    }
  }

  /** The body of a job's {@code main}: run, stop Spark, exit with a non-zero status on error. */
  static void main(String name, String[] args, Job job) throws Exception {
    int status;
    try {
      status = exitStatus(name, args, System.err, job);
    } finally {
      stop();
    }
    if (status != 0) {
      System.exit(status);
    }
  }
}
