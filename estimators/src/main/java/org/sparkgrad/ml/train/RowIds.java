package org.sparkgrad.ml.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkgrad.ml.data.PartitionData;

/**
 * Global row ids from row content, in one JVM: every training row's id is the rank of its content
 * hash among all training rows (ties, which only identical rows share, in partition order). The
 * Spark layer computes the same ranks with a distributed sort.
 */
public final class RowIds {
  private RowIds() {}

  /** The partitions with their training row ids assigned. */
  public static List<PartitionData> assign(List<PartitionData> partitions) {
    int total = 0;
    for (PartitionData p : partitions) {
      total += p.train().rows();
    }
    long[][] keys = new long[total][];
    int k = 0;
    for (int pi = 0; pi < partitions.size(); pi++) {
      long[] h = partitions.get(pi).train().hashes();
      for (int r = 0; r < h.length; r++) {
        keys[k++] = new long[] {h[r], pi, r};
      }
    }
    Arrays.sort(
        keys,
        (a, b) -> {
          int c = Long.compare(a[0], b[0]);
          return c != 0 ? c : Long.compare(a[1] * (1L << 32) + a[2], b[1] * (1L << 32) + b[2]);
        });
    long[][] ids = new long[partitions.size()][];
    for (int pi = 0; pi < partitions.size(); pi++) {
      ids[pi] = new long[partitions.get(pi).train().rows()];
    }
    for (int rank = 0; rank < total; rank++) {
      ids[(int) keys[rank][1]][(int) keys[rank][2]] = rank;
    }
    List<PartitionData> out = new ArrayList<>();
    for (int pi = 0; pi < partitions.size(); pi++) {
      out.add(partitions.get(pi).withTrainRowIds(ids[pi]));
    }
    return out;
  }
}
