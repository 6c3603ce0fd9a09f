package org.sparkgrad.ml.train;

import org.sparkgrad.nn.parallel.ReplicaReducer;

/**
 * Sums, across the partitions of one step, the arrays that batch norm exchanges through {@link
 * ReplicaReducer} (PyTorch's {@code all_reduce} inside {@code SyncBatchNorm}), each call addressed
 * by its round: the micro-batch of the step and the call's index within that micro-batch's forward
 * and backward. A partition with no rows in a micro-batch makes no call for it, so a round's sum is
 * over the partitions that have rows in its micro-batch; the network fixes the order of the calls,
 * so the same round is the same statistic on every partition.
 */
@FunctionalInterface
public interface StepReducer {
  /**
   * The elementwise sum of {@code local} over the partitions that make round {@code round}'s call.
   */
  float[] sum(long round, float[] local);

  /** The round of call {@code call} (from 0) of micro-batch {@code microBatch} (from 0). */
  static long round(int microBatch, int call) {
    return ((long) microBatch << 32) | call;
  }

  /** Round {@code round} as "micro-batch m, call c", for messages. */
  static String describe(long round) {
    return "micro-batch " + (round >>> 32) + ", call " + (int) round;
  }

  /** The reducer of a lone partition: its rows are the whole batch, so its sums are the sums. */
  StepReducer ALONE = (round, local) -> local;
}
