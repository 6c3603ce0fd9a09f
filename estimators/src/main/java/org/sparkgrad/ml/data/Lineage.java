package org.sparkgrad.ml.data;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.apache.spark.Dependency;
import org.apache.spark.NarrowDependency;
import org.apache.spark.Partition;
import org.apache.spark.rdd.ParallelCollectionRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.util.SizeEstimator;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Whether an RDD's partitions carry driver data. A partition of an RDD made from driver-side rows
 * ({@code createDataFrame} of a list, {@code parallelize}) holds its rows, and every RDD derived
 * from it through narrow dependencies serializes that partition into each of its tasks, even once
 * cached. A training fit runs hundreds of jobs over its cached blocks, so such input is first
 * shuffled, which ends the chain.
 */
final class Lineage {
  /** Partitions past this size (all together) are worth one shuffle. */
  static final long HEAVY_BYTES = 1 << 20;

  private Lineage() {}

  private static long partitionBytes(RDD<?> r) {
    long bytes = 0;
    for (Partition p : r.partitions()) {
      bytes += SizeEstimator.estimate(p);
    }
    return bytes;
  }

  /**
   * True if {@code rdd} reaches a parallelized collection of more than {@link #HEAVY_BYTES} without
   * crossing a shuffle ({@code spark.range}'s few slice numbers do not count).
   */
  static boolean carriesDriverData(RDD<?> rdd) {
    Deque<RDD<?>> todo = new ArrayDeque<>();
    Set<Integer> seen = new HashSet<>();
    todo.push(rdd);
    while (!todo.isEmpty()) {
      RDD<?> r = todo.pop();
      if (!seen.add(r.id())) {
        continue;
      }
      if (r instanceof ParallelCollectionRDD && partitionBytes(r) > HEAVY_BYTES) {
        return true;
      }
      for (Dependency<?> d : CollectionConverters.asJava(r.dependencies())) {
        if (d instanceof NarrowDependency<?> n) {
          todo.push(n.rdd());
        }
      }
    }
    return false;
  }
}
