package org.sparkgrad.ml.data;

import org.apache.spark.api.java.JavaRDD;

/**
 * The converted input of a fit: one {@link PartitionData} per partition, with global row ids
 * assigned, and the figures the driver needs.
 *
 * @param partitions what the trainer reads: the cached blocks themselves ({@link
 *     DataStorage#MEMORY}), or handles on the cached chunks ({@link DataStorage#STREAM})
 * @param cached the RDD that holds the rows; call {@link #unpersist} when the fit ends
 * @param trainRows the number of training rows
 * @param validationRows the number of validation rows
 * @param maxLabel the largest label value of a classifier's rows (training and validation)
 * @param labelStats each label value's mean and standard deviation over the training rows
 * @param storage how the rows are kept: {@link DataStorage#MEMORY} or {@link DataStorage#STREAM}
 */
public record PreparedData(
    JavaRDD<PartitionData> partitions,
    JavaRDD<PartitionData> cached,
    long trainRows,
    long validationRows,
    double maxLabel,
    LabelStats labelStats,
    DataStorage storage) {

  /** Drops the cached rows. */
  public void unpersist() {
    cached.unpersist(false);
  }
}
