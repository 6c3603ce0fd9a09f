package org.sparkgrad.ml.data;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Assigns global row ids from row content: every training row's id is the rank of its 64-bit
 * content hash among all training rows. The ids depend only on the multiset of rows, so {@code
 * df.repartition(n)} of the same rows gets the same ids (identical rows share a hash and are
 * interchangeable, so how their tie is broken does not matter).
 *
 * <p>Up to {@link #DRIVER_LIMIT} training rows the hashes (8 bytes a row) are collected and ranked
 * on the driver, and the ids reach the partitions in a broadcast: one small job instead of a
 * sampling job, two shuffles and a counting job (0.5 s of a warm 60,000-row fit's preparation, over
 * 1 s of a first one). Above it, and always for streamed data ({@link DataStorage#STREAM}), the
 * ranking is distributed and nothing is collected: a sort by hash and {@code zipWithIndex}, then
 * each rank sent back to its row's partition in row order ({@link #assignDistributed}). At 100M
 * rows that is two Spark sorts of 1.6 GB of (hash, location) pairs and one of 1.6 GB of (location,
 * rank) pairs, which spill to the executors' disks as Spark's sorts do.
 */
public final class RowIdAssigner {
  /** The most training rows whose hashes are ranked on the driver (64 MiB of hashes). */
  public static final long DRIVER_LIMIT = 1L << 23;

  private RowIdAssigner() {}

  /**
   * {@code data}, of {@code trainRows} training rows in one block per partition, with their row ids
   * assigned (not cached).
   */
  public static JavaRDD<PartitionData> assign(JavaRDD<PartitionData> data, long trainRows) {
    return trainRows <= DRIVER_LIMIT ? assignOnDriver(data) : assignDistributed(data);
  }

  /**
   * {@code chunks}, partitions of any number of chunks each, with their row ids assigned by Spark
   * (not cached), nothing collected on the driver.
   */
  public static JavaRDD<PartitionData> assignChunks(JavaRDD<PartitionData> chunks) {
    return assignDistributed(chunks);
  }

  /** Ranks the collected hashes on the driver; the ids travel in a broadcast. */
  static JavaRDD<PartitionData> assignOnDriver(JavaRDD<PartitionData> data) {
    long[][] hashes = new long[data.getNumPartitions()][];
    for (Tuple2<Integer, long[]> t :
        data.map(p -> new Tuple2<>(p.partition(), p.train().hashes())).collect()) {
      hashes[t._1()] = t._2();
    }
    Broadcast<long[][]> ids =
        JavaSparkContext.fromSparkContext(data.context()).broadcast(ranks(hashes));
    return data.map(p -> p.withTrainRowIds(ids.value()[p.partition()]));
  }

  /**
   * The rank of each hash among all of them (signed order, as a sort of {@code Long} keys), by
   * partition and row; equal hashes take consecutive ranks in partition and row order.
   */
  static long[][] ranks(long[][] hashes) {
    int total = 0;
    for (long[] h : hashes) {
      total = Math.addExact(total, h.length);
    }
    long[] sorted = new long[total];
    int at = 0;
    for (long[] h : hashes) {
      System.arraycopy(h, 0, sorted, at, h.length);
      at += h.length;
    }
    Arrays.sort(sorted);
    Map<Long, Integer> tieTaken = new HashMap<>();
    long[][] out = new long[hashes.length][];
    for (int p = 0; p < hashes.length; p++) {
      long[] h = hashes[p];
      long[] ids = new long[h.length];
      for (int r = 0; r < h.length; r++) {
        int first = EpochOrder.lowerBound(sorted, h[r]);
        if (first + 1 < total && sorted[first + 1] == h[r]) {
          ids[r] = first + (long) tieTaken.merge(h[r], 1, Integer::sum) - 1;
        } else {
          ids[r] = first;
        }
      }
      out[p] = ids;
    }
    return out;
  }

  /**
   * The ranking done by Spark, for partitions of one block or of many chunks, with nothing
   * collected: every training row's (hash, location) pair sorted by hash, {@code zipWithIndex} for
   * the ranks, then each (location, rank) pair sent back to its row's partition sorted by location,
   * so that the chunks take their ids in order as they stream past. Each step is a Spark sort,
   * which spills to disk past its memory.
   */
  static JavaRDD<PartitionData> assignDistributed(JavaRDD<PartitionData> data) {
    int parts = data.getNumPartitions();
    JavaPairRDD<Long, Long> hashToLocation =
        JavaPairRDD.fromJavaRDD(
            data.mapPartitionsWithIndex(
                (Integer p, Iterator<PartitionData> it) -> new HashLocations(p, it), true));
    JavaPairRDD<Long, Long> locationToRank =
        hashToLocation
            .sortByKey(true, parts)
            .zipWithIndex()
            .mapToPair(t -> new Tuple2<>(t._1()._2(), t._2()))
            .repartitionAndSortWithinPartitions(new OwnerPartitioner(parts));
    return data.zipPartitions(locationToRank, RowIdAssigner::takeIds);
  }

  /** The chunks of one partition with their ids taken, in order, from its sorted ranks. */
  private static Iterator<PartitionData> takeIds(
      Iterator<PartitionData> chunks, Iterator<Tuple2<Long, Long>> ranks) {
    return new Iterator<>() {
      private long row;

      @Override
      public boolean hasNext() {
        return chunks.hasNext();
      }

      @Override
      public PartitionData next() {
        PartitionData c = chunks.next();
        long[] ids = new long[c.train().rows()];
        for (int r = 0; r < ids.length; r++, row++) {
          Tuple2<Long, Long> t = ranks.hasNext() ? ranks.next() : null;
          if (t == null || (t._1() & 0xFFFFFFFFL) != row) {
            throw new IllegalStateException(
                "row " + row + " of partition " + c.partition() + " got no row id");
          }
          ids[r] = t._2();
        }
        return c.withTrainRowIds(ids);
      }
    };
  }

  /** The (hash, location) pairs of a partition's training rows, chunk after chunk. */
  private static final class HashLocations implements Iterator<Tuple2<Long, Long>> {
    private final long partitionBits;
    private final Iterator<PartitionData> chunks;
    private long[] hashes = new long[0];
    private int at;
    private long row;

    HashLocations(int partition, Iterator<PartitionData> chunks) {
      this.partitionBits = (long) partition << 32;
      this.chunks = chunks;
    }

    @Override
    public boolean hasNext() {
      while (at == hashes.length && chunks.hasNext()) {
        hashes = chunks.next().train().hashes();
        at = 0;
      }
      return at < hashes.length;
    }

    @Override
    public Tuple2<Long, Long> next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      if (row > 0xFFFFFFFFL) {
        throw new IllegalStateException(
            "partition "
                + (partitionBits >>> 32)
                + " holds more than 2^32 training rows; raise numReplicas to split the data");
      }
      return new Tuple2<>(hashes[at++], partitionBits | row++);
    }
  }

  /** Sends a (location, rank) pair to the partition in the location's high 32 bits. */
  static final class OwnerPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int parts;

    OwnerPartitioner(int parts) {
      this.parts = parts;
    }

    @Override
    public int numPartitions() {
      return parts;
    }

    @Override
    public int getPartition(Object key) {
      return (int) (((Long) key) >>> 32);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof OwnerPartitioner other && other.parts == parts;
    }

    @Override
    public int hashCode() {
      return parts;
    }
  }
}
