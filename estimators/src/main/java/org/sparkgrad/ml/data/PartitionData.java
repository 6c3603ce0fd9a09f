package org.sparkgrad.ml.data;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import org.apache.spark.util.Utils;
import org.sparkgrad.tensor.Generator;

/**
 * Everything one partition holds for a fit, kept one of two ways ({@link DataStorage}):
 *
 * <ul>
 *   <li>in memory: its training and validation rows as two {@link DataBlock}s (either may be
 *       empty), cached for the whole fit; it also caches the order of its training rows in the
 *       current epoch ({@link EpochOrder});
 *   <li>streamed: a handle on its rows, cached by Spark in chunks at a storage level that spills to
 *       disk ({@link ChunkSource}), read once an epoch into the epoch's order on the executor's
 *       local disk ({@link EpochBuckets}) and served from there a bucket at a time.
 * </ul>
 *
 * Either way a minibatch's rows come in the same order ({@link #window}), so the model does not
 * depend on which is used. A chunk of a streamed partition is itself an in-memory instance.
 */
public final class PartitionData implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int partition;
  private final DataBlock train;
  private final DataBlock validation;
  private final transient Streamed streamed;
  private transient EpochOrder order;
  private transient EpochBuckets buckets;

  /** A streamed partition's handle: where its chunks are and what they hold. */
  private record Streamed(
      ChunkSource source, long trainRows, EpochBuckets.Layout layout, long bucketBytes) {}

  /** The data of partition {@code partition}. */
  public PartitionData(int partition, DataBlock train, DataBlock validation) {
    this(partition, train, validation, null);
  }

  private PartitionData(int partition, DataBlock train, DataBlock validation, Streamed streamed) {
    this.partition = partition;
    this.train = train;
    this.validation = validation;
    this.streamed = streamed;
  }

  /**
   * Partition {@code partition} streamed from {@code source}, whose chunks hold {@code trainRows}
   * training rows of {@code numFeatures} features and {@code labelDim} label values; epoch buckets
   * of about {@code bucketBytes}. Its epoch buckets are deleted when the running task ends.
   */
  public static PartitionData streamed(
      int partition,
      ChunkSource source,
      long trainRows,
      int numFeatures,
      int labelDim,
      boolean weighted,
      long bucketBytes) {
    PartitionData p =
        new PartitionData(
            partition,
            null,
            null,
            new Streamed(
                source,
                trainRows,
                new EpochBuckets.Layout(numFeatures, labelDim, weighted),
                bucketBytes));
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) ctx -> p.closeBuckets());
    }
    return p;
  }

  /** The partition index. */
  public int partition() {
    return partition;
  }

  /** Whether this partition is streamed (it has no blocks of its own). */
  public boolean isStreamed() {
    return streamed != null;
  }

  /**
   * The training rows of an in-memory partition.
   *
   * @throws IllegalStateException for a streamed one
   */
  public DataBlock train() {
    requireBlocks();
    return train;
  }

  /**
   * The validation rows of an in-memory partition.
   *
   * @throws IllegalStateException for a streamed one
   */
  public DataBlock validation() {
    requireBlocks();
    return validation;
  }

  private void requireBlocks() {
    if (streamed != null) {
      throw new IllegalStateException(
          "partition " + partition + " is streamed: read its rows with window or blocks");
    }
  }

  /** The number of training rows. */
  public long trainRows() {
    return streamed == null ? train.rows() : streamed.trainRows();
  }

  /** The width of a feature row. */
  public int numFeatures() {
    return streamed == null ? train.numFeatures() : streamed.layout().numFeatures();
  }

  /** This partition with training row ids {@code ids}, sharing the data arrays. */
  public PartitionData withTrainRowIds(long[] ids) {
    return new PartitionData(partition, train().withRowIds(ids), validation);
  }

  /**
   * This partition's training rows at positions {@code [from, to)} of epoch {@code epoch}'s order
   * of a data set of {@code n} training rows, in position order (possibly none).
   */
  public synchronized DataBlock.Batch window(
      long n, long seed, int epoch, boolean shuffle, long from, long to) {
    if (streamed == null) {
      EpochOrder o = order(n, seed, epoch, shuffle);
      return train.gather(o.rows(), o.lowerBound(from), o.lowerBound(to));
    }
    EpochBuckets.Key key = new EpochBuckets.Key(n, seed, epoch, shuffle);
    if (buckets == null || !buckets.matches(key)) {
      closeBuckets();
      buckets =
          EpochBuckets.write(
              streamed.source(),
              streamed.trainRows(),
              streamed.layout(),
              key,
              streamed.bucketBytes(),
              localDir());
    }
    return buckets.window(from, to);
  }

  /**
   * The order of the training rows in epoch {@code epoch} of a data set of {@code n} training rows,
   * computed on first use in that epoch and kept until the next epoch asks (in-memory only).
   */
  public synchronized EpochOrder order(long n, long seed, int epoch, boolean shuffle) {
    EpochOrder o = order;
    if (o == null || !o.matches(n, seed, epoch, shuffle)) {
      o = EpochOrder.of(train(), n, seed, epoch, shuffle);
      order = o;
    }
    return o;
  }

  /** The validation rows, one block (in memory) or chunk by chunk (streamed). */
  public Iterator<DataBlock> validationBlocks() {
    if (streamed == null) {
      return Collections.singletonList(validation).iterator();
    }
    Iterator<PartitionData> chunks = streamed.source().open();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return chunks.hasNext();
      }

      @Override
      public DataBlock next() {
        return chunks.next().validation();
      }
    };
  }

  /**
   * The sums of the mixed content hashes of the training rows and of the validation rows: an
   * order-independent fingerprint of the rows, equal however they are kept or partitioned.
   */
  public long[] hashSums() {
    if (streamed == null) {
      return new long[] {mixedSum(train.hashes()), mixedSum(validation.hashes())};
    }
    long[] s = new long[2];
    for (Iterator<PartitionData> it = streamed.source().open(); it.hasNext(); ) {
      long[] c = it.next().hashSums();
      s[0] += c[0];
      s[1] += c[1];
    }
    return s;
  }

  private static long mixedSum(long[] hashes) {
    long s = 0;
    for (long h : hashes) {
      s += Generator.mix(h);
    }
    return s;
  }

  /** Deletes this partition's epoch buckets, if any. */
  synchronized void closeBuckets() {
    if (buckets != null) {
      EpochBuckets b = buckets;
      buckets = null;
      b.close();
    }
  }

  /**
   * One of Spark's local folders ({@code spark.local.dir}, where Spark's own shuffle and spill
   * files go), or the JVM's temporary folder outside Spark.
   */
  private static Path localDir() {
    SparkEnv env = SparkEnv.get();
    return Path.of(
        env != null ? Utils.getLocalDir(env.conf()) : System.getProperty("java.io.tmpdir"));
  }
}
