package org.sparkgrad.ml.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
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
 * 1 s of a first one). Above it the ranking is distributed: a sort by hash and {@code
 * zipWithIndex}, then each rank sent back to its row's partition.
 */
public final class RowIdAssigner {
  /** The most training rows whose hashes are ranked on the driver (64 MiB of hashes). */
  public static final long DRIVER_LIMIT = 1L << 23;

  private RowIdAssigner() {}

  /** {@code data}, of {@code trainRows} training rows, with their row ids assigned (not cached). */
  public static JavaRDD<PartitionData> assign(JavaRDD<PartitionData> data, long trainRows) {
    return trainRows <= DRIVER_LIMIT ? assignOnDriver(data) : assignDistributed(data);
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

  /** The ranking done by Spark: a sort by hash, {@code zipWithIndex}, and a shuffle back. */
  static JavaRDD<PartitionData> assignDistributed(JavaRDD<PartitionData> data) {
    int parts = data.getNumPartitions();
    JavaPairRDD<Long, Long> hashToLocation =
        data.flatMapToPair(
            p -> {
              long[] h = p.train().hashes();
              List<Tuple2<Long, Long>> out = new ArrayList<>(h.length);
              for (int r = 0; r < h.length; r++) {
                out.add(new Tuple2<>(h[r], ((long) p.partition() << 32) | r));
              }
              return out.iterator();
            });
    JavaPairRDD<Long, Long> locationToRank =
        hashToLocation
            .sortByKey(true, parts)
            .zipWithIndex()
            .mapToPair(t -> new Tuple2<>(t._1()._2(), t._2()))
            .partitionBy(new OwnerPartitioner(parts));
    return data.zipPartitions(
        locationToRank,
        (Iterator<PartitionData> blocks, Iterator<Tuple2<Long, Long>> ranks) -> {
          List<PartitionData> out = new ArrayList<>(1);
          while (blocks.hasNext()) {
            PartitionData p = blocks.next();
            long[] ids = new long[p.train().rows()];
            java.util.Arrays.fill(ids, -1);
            while (ranks.hasNext()) {
              Tuple2<Long, Long> t = ranks.next();
              ids[(int) (t._1() & 0xFFFFFFFFL)] = t._2();
            }
            for (int r = 0; r < ids.length; r++) {
              if (ids[r] < 0) {
                throw new IllegalStateException(
                    "row " + r + " of partition " + p.partition() + " got no row id");
              }
            }
            out.add(p.withTrainRowIds(ids));
          }
          return out.iterator();
        });
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
