package org.sparkgrad.ml.spark;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.spark.network.client.RpcResponseCallback;
import org.sparkgrad.ml.train.StepReducer;

/**
 * The rounds of a step through the step channel ({@link StepReducer}: batch norm's statistics,
 * summed over the partitions mid-step): each round is answered once every partition either waits in
 * it or has finished the step, with the partitions' values summed in partition order, in double.
 * The sums answered so far this step are kept, so that a task run again after a failure is answered
 * from them for the rounds the others have passed. Used holding the server's lock.
 */
final class StepRounds {
  private final Map<Long, float[]> answered = new HashMap<>();

  /** Forgets the sums of the last step's rounds. */
  void clear() {
    answered.clear();
  }

  /** The sums round {@code round} of this step was answered with, or null. */
  float[] answered(long round) {
    return answered.get(round);
  }

  /**
   * Answers the earliest round the tasks wait in, once every partition either waits in a round or
   * has finished the step: no task can still send an earlier one (each sends its rounds in order),
   * so the round's senders are all there is. Sums in partition order, in double, and sends the sums
   * to each of them through {@code answer}.
   */
  void answerEarliest(StepPeer[] peers, BiConsumer<RpcResponseCallback, ByteBuffer> answer) {
    long min = Long.MAX_VALUE;
    for (StepPeer c : peers) {
      if (c == null || (!c.done && c.roundPending == null)) {
        return; // a task still computing (or not yet connected) may send an earlier round
      }
      if (!c.done && c.round < min) {
        min = c.round;
      }
    }
    if (min == Long.MAX_VALUE) {
      return;
    }
    float[] sums = sum(peers, min);
    answered.put(min, sums);
    ByteBuffer message = StepProtocol.sum(sums);
    for (StepPeer c : peers) {
      if (!c.done && c.round == min) {
        RpcResponseCallback cb = c.roundPending;
        c.roundPending = null;
        c.partial = null;
        answer.accept(cb, message.duplicate());
      }
    }
  }

  /** The values of round {@code round} summed over its senders in partition order, in double. */
  private static float[] sum(StepPeer[] peers, long round) {
    List<float[]> partials = new ArrayList<>();
    for (StepPeer c : peers) {
      if (!c.done && c.round == round) {
        partials.add(c.partial);
      }
    }
    return StepReducer.sumInOrder(round, partials);
  }
}
