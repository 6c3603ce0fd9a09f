package org.sparkgrad.ml.data;

import org.apache.spark.api.java.JavaRDD;

/**
 * The cached, converted input of a fit: one {@link PartitionData} per partition, with global row
 * ids assigned, and the figures the driver needs.
 *
 * @param partitions the cached partitions; call {@link #unpersist} when the fit ends
 * @param trainRows the number of training rows
 * @param validationRows the number of validation rows
 * @param maxLabel the largest label value of a classifier's rows (training and validation)
 * @param labelStats each label value's mean and standard deviation over the training rows
 */
public record PreparedData(
    JavaRDD<PartitionData> partitions,
    long trainRows,
    long validationRows,
    double maxLabel,
    LabelStats labelStats) {

  /** Drops the cached blocks. */
  public void unpersist() {
    partitions.unpersist(false);
  }
}
