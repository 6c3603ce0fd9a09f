package org.sparkgrad.ml.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.train.GradientStep;
import org.sparkgrad.ml.train.StepReducer;
import org.sparkgrad.ml.train.StepResult;

/**
 * A task's loop as a node of the step channel's reduction tree ({@link StepTree}): asks its parent
 * (the driver, for the root) for a command, forwards the command to its children ({@link
 * StepRelay}), computes its own partition's gradient meanwhile, then sums its own and its
 * children's in the tree's order, in double precision, and sends the sum up as its next request. It
 * ends when its parent says stop (forwarded to its children) or hangs up, or when a link to a child
 * breaks.
 */
final class StepTreeNode {
  /** A command as the node reads it; its weights and buffers are the upstream's arrays. */
  record Step(int op, int epoch, int step) {}

  /** The node's link up the tree. */
  interface Upstream {
    /**
     * Sends {@code request} up and waits for the next command, its bytes copied into {@code raw[0]}
     * (reusing the buffer there) for the children; null once the parent says stop or hangs up.
     */
    Step ask(ByteBuffer request, ByteBuffer[] raw) throws IOException;

    /** Whether the links up (to the parent and to the driver) are open. */
    boolean alive();

    /** The weights of the last command. */
    float[] weights();

    /** The buffers of the last command. */
    float[] buffers();
  }

  private final Upstream up;
  private final StepRelay relay;
  private final PartitionData data;
  private final GradientStep step;

  StepTreeNode(Upstream up, StepRelay relay, PartitionData data, GradientStep step) {
    this.up = up;
    this.relay = relay;
    this.data = data;
    this.step = step;
  }

  /** Serves commands, {@code first} being the first request up (a hello or the root's join). */
  void run(ByteBuffer first) throws IOException {
    ByteBuffer request = first;
    ByteBuffer[] raw = new ByteBuffer[1];
    ByteBuffer out = null;
    try {
      while (true) {
        Step c = up.ask(request, raw);
        if (c == null) {
          return;
        }
        relay.forward(raw[0], up::alive);
        long start = System.nanoTime();
        StepResult own =
            c.op() == StepProtocol.EVALUATE
                ? step.evaluate(data, up.weights(), up.buffers())
                : step.train(
                    data, up.weights(), up.buffers(), c.epoch(), c.step(), StepTreeNode::noRounds);
        long compute = System.nanoTime() - start;
        out = sumUp(c.op(), own, compute, relay.collect(up::alive), out);
        request = out;
      }
    } finally {
      relay.stop();
    }
  }

  /**
   * This node's sums message: its own result, then each child's subtree, left first ({@link
   * StepTree#subtreeSum}'s order); the buffers of the first of them that has any.
   */
  private static ByteBuffer sumUp(
      int op, StepResult own, long compute, StepRelay.Child[] children, ByteBuffer reuse) {
    double[] acc = null;
    float[] g = own.partial();
    if (g != null) {
      acc = new double[g.length];
      for (int i = 0; i < g.length; i++) {
        acc[i] = g[i];
      }
    }
    double loss = own.lossSum();
    double weight = own.weightSum();
    double metric = own.metricSum();
    long count = own.count();
    float[] buffers = own.count() > 0 ? own.buffers() : null;
    StepTraffic.TaskTimes times = StepTraffic.TaskTimes.of(compute, 0);
    for (StepRelay.Child c : children) {
      acc = StepTree.add(acc, c.sums);
      loss += c.result.lossSum();
      weight += c.result.weightSum();
      metric += c.result.metricSum();
      count += c.result.count();
      times = times.plus(c.times);
      if (buffers == null) {
        buffers = c.result.buffers();
      }
    }
    StepResult r = new StepResult(loss, weight, metric, count).withBuffers(buffers);
    return StepProtocol.sums(reuse, op, r, acc, times);
  }

  /** The tree carries no batch statistics: networks that exchange them use the star. */
  private static float[] noRounds(long round, float[] local) {
    throw new IllegalStateException(
        "step channel: batch statistics do not travel through the reduction tree (round "
            + StepReducer.describe(round)
            + ")");
  }
}
