package org.sparkgrad.ml.data;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The chunks of one partition's rows, read again each time they are opened: a streamed partition
 * ({@link PartitionData#streamed}) reads its rows once per epoch to order them, and once more for
 * validation, never holding more than one chunk of them.
 */
public interface ChunkSource extends Serializable {
  /** The partition's chunks, from the first. */
  Iterator<PartitionData> open();

  /**
   * The chunks of partition {@code partition} of the cached {@code rdd}, read through Spark's block
   * manager in the running task (from the executor's disk, or from another executor's), as a zipped
   * RDD reads its parents.
   */
  static ChunkSource cached(RDD<PartitionData> rdd, Partition partition) {
    return () -> {
      TaskContext task = TaskContext.get();
      if (task == null) {
        throw new IllegalStateException(
            "the chunks of partition " + partition.index() + " are read only inside a Spark task");
      }
      return CollectionConverters.asJava(rdd.iterator(partition, task));
    };
  }
}
