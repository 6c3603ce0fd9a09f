package org.sparkgrad.ml.data;

import java.io.Serializable;

/**
 * Everything one partition holds for a fit: its training rows and its validation rows (either may
 * be empty), and the index of the partition. One instance per partition is cached for the whole
 * fit; it also caches the order of its training rows in the current epoch.
 */
public final class PartitionData implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int partition;
  private final DataBlock train;
  private final DataBlock validation;
  private transient EpochOrder order;

  /** The data of partition {@code partition}. */
  public PartitionData(int partition, DataBlock train, DataBlock validation) {
    this.partition = partition;
    this.train = train;
    this.validation = validation;
  }

  /** The partition index. */
  public int partition() {
    return partition;
  }

  /** The training rows. */
  public DataBlock train() {
    return train;
  }

  /** The validation rows. */
  public DataBlock validation() {
    return validation;
  }

  /** This partition with training row ids {@code ids}, sharing the data arrays. */
  public PartitionData withTrainRowIds(long[] ids) {
    return new PartitionData(partition, train.withRowIds(ids), validation);
  }

  /**
   * The order of the training rows in epoch {@code epoch} of a data set of {@code n} training rows,
   * computed on first use in that epoch and kept until the next epoch asks.
   */
  public synchronized EpochOrder order(long n, long seed, int epoch, boolean shuffle) {
    EpochOrder o = order;
    if (o == null || !o.matches(n, seed, epoch, shuffle)) {
      o = EpochOrder.of(train, n, seed, epoch, shuffle);
      order = o;
    }
    return o;
  }
}
