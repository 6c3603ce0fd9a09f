package org.sparkgrad.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Files through Hadoop's {@link FileSystem}, so that every path a job reads or writes may be local,
 * {@code hdfs://} or any other file system the cluster is configured for.
 */
final class JobFiles {
  private JobFiles() {}

  /** The file system of {@code path} under the session's Hadoop configuration. */
  static FileSystem fs(SparkSession spark, Path path) {
    try {
      return path.getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the file system of " + path + ": " + e, e);
    }
  }

  /** Whether {@code path} exists. */
  static boolean exists(SparkSession spark, String path) {
    Path p = new Path(path);
    try {
      return fs(spark, p).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path + ": " + e, e);
    }
  }

  /** Whether {@code path} is a directory (false if it does not exist). */
  static boolean isDirectory(SparkSession spark, String path) {
    Path p = new Path(path);
    try {
      FileSystem fs = fs(spark, p);
      return fs.exists(p) && fs.getFileStatus(p).isDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path + ": " + e, e);
    }
  }

  /**
   * Refuses an existing output path unless {@code overwrite}: checked before training so that a
   * long fit does not end in a refused save.
   */
  static void checkWritable(SparkSession spark, String option, String path, boolean overwrite) {
    if (!overwrite && exists(spark, path)) {
      throw new UsageException(
          "--" + option + ": " + path + " already exists; pass --overwrite to replace it");
    }
  }

  /** Writes {@code bytes} to {@code path}, replacing it if {@code overwrite}. */
  static void write(SparkSession spark, String path, byte[] bytes, boolean overwrite) {
    Path p = new Path(path);
    try (OutputStream out = fs(spark, p).create(p, overwrite)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + ": " + e, e);
    }
  }
}
