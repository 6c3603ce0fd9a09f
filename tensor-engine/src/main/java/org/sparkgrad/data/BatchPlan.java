package org.sparkgrad.data;

import java.util.Arrays;
import java.util.function.Function;

/**
 * One epoch's batches: the sample order, cut into batches, and how to make batch {@code b}. Holds
 * nothing of the iterator that uses it, so worker tasks can reference it without keeping an
 * abandoned iterator reachable.
 */
final class BatchPlan<B> {
  final long epoch;
  final int numBatches;
  private final int[] order;
  private final int batchSize;
  private final Function<int[], B> fetch;

  BatchPlan(long epoch, int[] order, int batchSize, int numBatches, Function<int[], B> fetch) {
    this.epoch = epoch;
    this.order = order;
    this.batchSize = batchSize;
    this.numBatches = numBatches;
    this.fetch = fetch;
  }

  /** The sample indices of batch {@code b}. */
  int[] indices(int b) {
    int from = b * batchSize;
    return Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize));
  }

  /** Batch {@code b}, made on the calling thread. */
  B make(int b) {
    return fetch.apply(indices(b));
  }
}
