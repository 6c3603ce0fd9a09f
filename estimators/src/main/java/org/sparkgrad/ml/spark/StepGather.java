package org.sparkgrad.ml.spark;

import java.util.ArrayList;
import java.util.List;
import org.sparkgrad.ml.train.StepResult;

/**
 * What the driver's {@link StepServer} makes of an exchange's answers ({@link StepPeers}): kept
 * apart from the server, which only sends commands and waits, so that how the partitions' replies
 * become one {@link StepResult} reads in one place.
 */
final class StepGather {
  private StepGather() {}

  /**
   * The exchange's result once every partition (or the tree's root) answered: the root's
   * double-precision sum as two float32 parts, or each partition's gradient unsummed, in partition
   * order ({@link StepResult#ofUnsummed}: the partitions' own arrays, or those handed over in
   * memory, reused by the next exchange), with the loss, weight, metric and row sums and the
   * buffers of the first partition that had rows.
   *
   * @param partitions the partition count
   * @param n the number of weights
   */
  static StepResult gather(StepPeers peers, StepHandOver handOver, int partitions, int n) {
    if (peers.tree()) {
      return fromRoot(peers.get(0), n);
    }
    List<float[]> parts = new ArrayList<>(partitions);
    double loss = 0;
    double weight = 0;
    double metric = 0;
    long count = 0;
    float[] buffers = null;
    for (int p = 0; p < partitions; p++) {
      StepPeer c = peers.get(p);
      if (buffers == null && c.count > 0 && c.buffers != null && c.buffers.length > 0) {
        buffers = c.buffers.clone(); // the peer's array is reused by its next reply
      }
      loss += c.lossSum;
      weight += c.weightSum;
      metric += c.metricSum;
      count += c.count;
      if (c.gradLength == StepProtocol.IN_PROCESS) {
        parts.add(handOver.take(p, c.attempt, n));
      } else if (c.gradLength > 0) {
        if (c.gradLength != n) {
          throw new IllegalStateException(
              "step channel: a gradient of " + c.gradLength + " values for " + n + " weights");
        }
        parts.add(c.grad);
      }
    }
    // Summed by the trainer in one pass with the scaling (StepResult.writeScaledInto).
    return StepResult.ofUnsummed(parts.toArray(new float[0][]), loss, weight, metric, count)
        .withBuffers(buffers);
  }

  /**
   * The tree root's sums: the whole tree's, in double precision, as two float32 parts ({@link
   * StepResult#ofSum}).
   */
  private static StepResult fromRoot(StepPeer root, int n) {
    if (root.sums.length != 0 && root.sums.length != n) {
      throw new IllegalStateException(
          "step channel: a summed gradient of "
              + root.sums.length
              + " values for "
              + n
              + " weights");
    }
    float[] buffers =
        root.buffers == null || root.buffers.length == 0 ? null : root.buffers.clone();
    return StepResult.ofSum(
            root.sums.length == 0 ? null : root.sums,
            root.lossSum,
            root.weightSum,
            root.metricSum,
            root.count)
        .withBuffers(buffers);
  }
}
