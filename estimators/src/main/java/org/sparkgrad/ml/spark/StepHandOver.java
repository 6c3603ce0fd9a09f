package org.sparkgrad.ml.spark;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.spark.network.client.RpcResponseCallback;

/**
 * The step channel's in-memory path, for tasks that run in the driver's JVM (Spark's local mode):
 * the server publishes each step's weights here and the tasks hand their gradients over here, and
 * after its hello through the connection a task's requests (headers that order the hand-overs,
 * {@link StepProtocol}) reach the server here too, on the task's thread ({@link #deliver}). A task
 * finds its server's hand-over by the server's port, which no other server in the JVM has.
 */
final class StepHandOver {
  private static final Map<Integer, StepHandOver> IN_THIS_JVM = new ConcurrentHashMap<>();

  private final AtomicReferenceArray<Handed> handed;
  private volatile float[] published;
  private volatile StepPeers peers;

  /** A flat gradient handed over by the task attempt {@code attempt}. */
  private static final class Handed {
    private final long attempt;
    private final float[] grad;

    Handed(long attempt, float[] grad) {
      this.attempt = attempt;
      this.grad = grad;
    }

    long attempt() {
      return attempt;
    }

    float[] grad() {
      return grad;
    }
  }

  StepHandOver(int partitions) {
    this.handed = new AtomicReferenceArray<>(partitions);
  }

  /**
   * Makes this hand-over findable by tasks in this JVM under the server's {@code port}, delivering
   * their requests to {@code peers}.
   */
  void register(int port, StepPeers peers) {
    this.peers = peers;
    IN_THIS_JVM.put(port, this);
  }

  /**
   * Delivers a request of task attempt {@code attempt} of {@code partition} to the server in
   * memory, on the calling thread, once its hello has come through its connection; the answer goes
   * to {@code callback}, as the connection's would. The connection stays open, idle, so that the
   * server still learns when the task ends.
   */
  void deliver(int partition, long attempt, ByteBuffer request, RpcResponseCallback callback) {
    StepPeers to = peers;
    if (to == null) {
      callback.onFailure(new IllegalStateException("step channel: the server has closed"));
      return;
    }
    to.receiveInProcess(partition, attempt, request, callback);
  }

  /** Makes it unfindable and drops the arrays. */
  void unregister(int port) {
    IN_THIS_JVM.remove(port, this);
    published = null;
    peers = null;
  }

  /** The hand-over of the server on {@code port} if it runs in this JVM, else null. */
  static StepHandOver inThisJvm(int port) {
    return IN_THIS_JVM.get(port);
  }

  /** Publishes the weights of the current step (not to be modified until the step ends). */
  void publish(float[] weights) {
    published = weights;
  }

  /** The weights of the current step, for a task in this JVM (not to be modified). */
  float[] published() {
    return published;
  }

  /**
   * Hands over partition {@code partition}'s flat gradient in memory, read (not copied) before the
   * task's next command.
   */
  void handOver(int partition, long attempt, float[] grad) {
    handed.set(partition, new Handed(attempt, grad));
  }

  /**
   * Takes partition {@code partition}'s gradient of {@code n} values handed over by {@code
   * attempt}, one flat array.
   *
   * @throws IllegalStateException if that attempt handed over no such gradient
   */
  float[] take(int partition, long attempt, int n) {
    Handed h = handed.getAndSet(partition, null);
    if (h == null || h.attempt() != attempt || h.grad().length != n) {
      throw new IllegalStateException(
          "step channel: partition "
              + partition
              + " said it handed a gradient over, but not this one");
    }
    return h.grad();
  }
}
