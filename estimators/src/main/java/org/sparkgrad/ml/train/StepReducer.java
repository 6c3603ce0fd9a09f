package org.sparkgrad.ml.train;

import java.util.List;
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

  /**
   * The elementwise sum of round {@code round}'s {@code partials}, added in their order (partition
   * order) in double and rounded once to float32: how every reducer sums a round, so that the step
   * channel and the in-memory trainer give the same statistics bit for bit.
   *
   * @throws IllegalStateException if the partials differ in length
   */
  static float[] sumInOrder(long round, List<float[]> partials) {
    double[] acc = new double[partials.get(0).length];
    for (float[] p : partials) {
      if (p.length != acc.length) {
        throw new IllegalStateException(
            "batch statistics: round "
                + describe(round)
                + " has partials of "
                + acc.length
                + " and "
                + p.length
                + " values");
      }
      for (int i = 0; i < acc.length; i++) {
        acc[i] += p[i];
      }
    }
    float[] out = new float[acc.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) acc[i];
    }
    return out;
  }

  /** The reducer of a lone partition: its rows are the whole batch, so its sums are the sums. */
  StepReducer ALONE = (round, local) -> local;
}
