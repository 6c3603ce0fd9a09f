package org.sparkgrad.ml.data;

import java.util.Locale;
import java.util.function.LongSupplier;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * How a fit keeps its training data (the estimators' {@code dataStorage} param).
 *
 * <ul>
 *   <li>{@link #MEMORY}: one columnar block per partition, deserialized, for the whole fit ({@code
 *       MEMORY_AND_DISK}: a partition that does not fit is written to disk whole, and read back
 *       whole). The fastest, for data that fits in the executors' memory.
 *   <li>{@link #STREAM}: the rows in chunks (256 KiB by default) written as they are built to the
 *       executors' disks ({@code DISK_ONLY}, never in Spark's memory store: see {@link
 *       StreamedPreparation#LEVEL}), streamed each epoch into the epoch's order on the executor's
 *       local disk ({@link EpochBuckets}) and trained from there a bucket at a time. The heap holds
 *       a chunk and a bucket per task, whatever the data's size.
 *   <li>{@link #AUTO}: {@link #choose}.
 * </ul>
 *
 * Both give the same minibatches in the same order, so the same model.
 */
public enum DataStorage {
  AUTO,
  MEMORY,
  STREAM;

  /** The param value of this choice: {@code auto}, {@code memory} or {@code stream}. */
  public String paramValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The choice named by a param value. */
  public static DataStorage of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /**
   * The storage for a fit. An explicit choice stands. {@link #AUTO} keeps the blocks in memory when
   * they take at most half of the executors' storage memory (Spark's unified memory, {@code
   * spark.memory.fraction} of each heap, as the Executors tab of the Spark UI shows), since
   * building them needs room beside them; else it streams. The rows are counted only when the
   * input's plan estimate does not already show it small (at most a sixteenth of that memory, which
   * leaves room for a compressed source).
   *
   * @param planBytes Spark's estimate of the input's size in bytes (may be far too high, never
   *     negative)
   * @param rows counts the input's rows (a Spark job), called only if needed
   * @param rowBytes the bytes of one row in a block
   * @param storageMemory the executors' storage memory in bytes; 0 when none is known (no executor
   *     has registered yet), and then the blocks are kept in memory, as before executors arrive
   *     there is nothing to measure
   */
  public static DataStorage choose(
      DataStorage asked, double planBytes, LongSupplier rows, long rowBytes, long storageMemory) {
    if (asked != AUTO) {
      return asked;
    }
    if (storageMemory <= 0 || planBytes <= storageMemory / 16.0) {
      return MEMORY;
    }
    return (double) rows.getAsLong() * rowBytes <= storageMemory / 2.0 ? MEMORY : STREAM;
  }

  /** The bytes of one row in a block: features, labels and weight as float32, hash and row id. */
  public static long rowBytes(int numFeatures, int labelDim, boolean weighted) {
    return 4L * (numFeatures + labelDim + (weighted ? 1 : 0)) + 16;
  }

  /**
   * The storage memory of the application's executors: of every block manager but the driver's, or
   * of the driver's alone in local mode.
   */
  public static long storageMemory(SparkContext sc) {
    String driver = SparkEnv.get().blockManager().blockManagerId().hostPort();
    long all = 0;
    long executors = 0;
    for (var e : CollectionConverters.asJava(sc.getExecutorMemoryStatus()).entrySet()) {
      Tuple2<Object, Object> maxAndFree = e.getValue();
      long max = (Long) maxAndFree._1();
      all += max;
      if (!e.getKey().equals(driver)) {
        executors += max;
      }
    }
    return sc.isLocal() ? all : executors;
  }
}
