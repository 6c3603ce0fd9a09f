package org.sparkgrad.ml.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Assigns global row ids from row content, distributed: every training row's id is the rank of its
 * 64-bit content hash among all training rows, found with a sort by hash and {@code zipWithIndex},
 * then sent back to the row's partition. The ids depend only on the multiset of rows, so {@code
 * df.repartition(n)} of the same rows gets the same ids (identical rows share a hash and are
 * interchangeable, so how their tie is broken does not matter).
 */
public final class RowIdAssigner {
  private RowIdAssigner() {}

  /** {@code data} with training row ids assigned (not cached). */
  public static JavaRDD<PartitionData> assign(JavaRDD<PartitionData> data) {
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
