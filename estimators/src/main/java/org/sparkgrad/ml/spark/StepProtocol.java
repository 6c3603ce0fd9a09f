package org.sparkgrad.ml.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.sparkgrad.ml.train.StepReducer;
import org.sparkgrad.ml.train.StepResult;

/**
 * The messages between the driver's {@link StepServer} and the tasks' {@link StepWorker}s, carried
 * as RPCs of Spark's network transport ({@link StepNetwork}), which frames, authenticates and
 * encrypts them; {@link StepMessages} reads them and sizes them against the transport's frame
 * limit. Fixed little-endian headers followed by float32 arrays, so that both ends move a
 * 235k-float array with one bulk copy instead of serialising it.
 *
 * <p>The task asks and the driver answers: every request (a hello, then a reply) is answered with
 * the next command, once the driver has one, so a connection has at most one message in flight.
 *
 * <ul>
 *   <li>hello, task to driver, once per connection: {@link #HELLO}, magic, the fit's 16-byte token
 *       (zeros where Spark's authentication is on: the connection is then authenticated with
 *       Spark's secret), partition, task attempt id, whether the task is in the driver's JVM.
 *   <li>reply, task to driver: {@link #REPLY}, op, loss sum, weight sum, metric sum, row count, the
 *       task's compute and encode times ({@link StepTraffic.TaskTimes}: sums and maxima), n, then n
 *       gradient values (n = 0 when the partition had no rows in the minibatch), then b and b
 *       buffer values (the network's buffers after the step; b = 0 without rows or buffers).
 *   <li>command, driver to task (the answer to a hello or a reply): op ({@link #STEP}, {@link
 *       #EVALUATE} or {@link #STOP}), epoch, step, n, then n weights, then b and b buffer values.
 *   <li>tree, driver to task (the answer to a hello or a reply, once, where the driver sums through
 *       the reduction tree, {@link StepTree}): {@link #TREE}, the partition count, the parent's
 *       port (0: the driver is the parent), then the parent's host. From then on a task asks its
 *       parent, which answers with the commands it was sent, and sends up {@link #SUMS} messages (a
 *       reply whose gradient is its subtree's n doubles) instead of replies.
 *   <li>round, task to driver, mid-step (a network with batch norm, {@link StepReducer}): {@link
 *       #ROUND}, the round, n, then the partition's n values; answered, once every partition has
 *       sent that round or finished the step without it, with {@link #SUM}, n, then the n sums (or
 *       a stop command, when the channel is closing).
 * </ul>
 *
 * <p>A task in the driver's own JVM (Spark's local mode) moves no array through the connection: a
 * command with n = {@link #IN_PROCESS} means "read the weights the server published", and a reply
 * with n = {@link #IN_PROCESS} means "take the gradient I handed over" ({@link StepHandOver}). Such
 * a task sends its hello through the connection and every later request, a header that orders the
 * hand-overs, in memory ({@link StepHandOver#deliver}); the messages are the same.
 */
final class StepProtocol {
  static final int MAGIC = 0x53475332; // "SGS2"
  static final int TOKEN_BYTES = 16;
  static final int HELLO = 1;
  static final int REPLY = 2;
  static final int ROUND = 3;
  static final int SUMS = 5;
  static final int ROUND_HEADER = 4 + 8 + 4;
  static final int HELLO_BYTES = 4 + 4 + TOKEN_BYTES + 4 + 8 + 4 + 4;
  static final int COMMAND_HEADER = 16;
  static final int REPLY_HEADER = 4 + 4 + 8 + 8 + 8 + 8 + 4 * 8 + 4;
  private static final int REPLY_ENCODE_AT = 4 + 4 + 8 + 8 + 8 + 8 + 2 * 8;

  /** Compute the gradient of one minibatch. */
  static final int STEP = 1;

  /** End the task. */
  static final int STOP = 2;

  /** Evaluate the partition's validation rows; the reply carries their sums and no gradient. */
  static final int EVALUATE = 3;

  /** The answer to a round: the sums. */
  static final int SUM = 4;

  /** Join the reduction tree ({@link StepTree}): the partition count and the parent's address. */
  static final int TREE = 5;

  /** The array length that says the array is handed over in memory. */
  static final int IN_PROCESS = -1;

  private StepProtocol() {}

  /** A little-endian direct buffer of {@code bytes}. */
  static ByteBuffer buffer(int bytes) {
    return ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * A hello from a task; {@code token} null sends zeros (the connection is authenticated); {@code
   * treePort} is the port its children in the reduction tree can reach it on (0: it has none).
   */
  static ByteBuffer hello(
      byte[] token, int partition, long attempt, boolean inProcess, int treePort) {
    ByteBuffer b = buffer(HELLO_BYTES);
    b.putInt(HELLO).putInt(MAGIC).put(token == null ? new byte[TOKEN_BYTES] : token);
    b.putInt(partition).putLong(attempt).putInt(inProcess ? 1 : 0).putInt(treePort).flip();
    return b;
  }

  /**
   * A command to join the reduction tree of {@code partitions} partitions under the parent at
   * {@code host:port} (port 0: the parent is the driver, the task is the root).
   */
  static ByteBuffer tree(int partitions, String host, int port) {
    byte[] h = host.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = buffer(16 + h.length);
    b.putInt(TREE).putInt(partitions).putInt(port).putInt(h.length).put(h);
    return b.flip();
  }

  /**
   * A subtree's sums, from a node of the reduction tree to its parent (the root's to the driver):
   * like a reply ({@link #reply}), but its gradient is the subtree's double-precision sum ({@link
   * StepTree}), {@code sums} null when no partition of the subtree had rows.
   */
  static ByteBuffer sums(
      ByteBuffer reuse, int op, StepResult r, double[] sums, StepTraffic.TaskTimes times) {
    long start = System.nanoTime();
    int n = sums == null ? 0 : sums.length;
    float[] buffers = r.buffers() == null ? new float[0] : r.buffers();
    ByteBuffer b =
        fit(reuse, StepMessages.size("a sum", REPLY_HEADER + 8L * n + 4 + 4L * buffers.length));
    b.putInt(SUMS).putInt(op).putDouble(r.lossSum()).putDouble(r.weightSum());
    b.putDouble(r.metricSum()).putLong(r.count());
    b.putLong(times.computeSum()).putLong(times.computeMax()).putLong(0).putLong(0).putInt(n);
    if (n > 0) {
      b.asDoubleBuffer().put(sums);
      b.position(b.position() + 8 * n);
    }
    b.putInt(buffers.length);
    putFloats(b, buffers, buffers.length);
    long encode = System.nanoTime() - start;
    b.putLong(REPLY_ENCODE_AT, times.encodeSum() + encode);
    b.putLong(REPLY_ENCODE_AT + 8, Math.max(times.encodeMax(), encode));
    return b.flip();
  }

  /**
   * A command into {@code reuse} (or a new buffer if it is too small); {@code weights} null sends
   * {@link #IN_PROCESS} and no array.
   */
  static ByteBuffer command(
      ByteBuffer reuse, int op, int epoch, int step, float[] weights, float[] buffers) {
    int n = weights == null ? 0 : weights.length;
    ByteBuffer b =
        fit(
            reuse,
            StepMessages.size(
                "a command of " + n + " weights",
                COMMAND_HEADER + 4L * n + 4 + 4L * buffers.length));
    b.putInt(op).putInt(epoch).putInt(step).putInt(weights == null ? IN_PROCESS : n);
    putFloats(b, weights, n);
    b.putInt(buffers.length);
    putFloats(b, buffers, buffers.length);
    return b.flip();
  }

  /** A round of a step from a task: its partition's {@code values} for round {@code round}. */
  static ByteBuffer round(long round, float[] values) {
    ByteBuffer b = buffer(StepMessages.size("a round", ROUND_HEADER + 4L * values.length));
    b.putInt(ROUND).putLong(round).putInt(values.length);
    putFloats(b, values, values.length);
    return b.flip();
  }

  /** The answer to a round: the sums over the partitions that sent it. */
  static ByteBuffer sum(float[] sums) {
    ByteBuffer b = buffer(StepMessages.size("a round's sums", 8 + 4L * sums.length));
    b.putInt(SUM).putInt(sums.length);
    putFloats(b, sums, sums.length);
    return b.flip();
  }

  private static void putFloats(ByteBuffer b, float[] values, int n) {
    if (n > 0) {
      b.asFloatBuffer().put(values, 0, n);
      b.position(b.position() + 4 * n);
    }
  }

  /**
   * A reply into {@code reuse} (or a new buffer if it is too small) with the first {@code m} values
   * of {@code grad} ({@code m} may be 0 or {@link #IN_PROCESS}, when no array follows), and the
   * task's {@code times}, to whose encode time the time of writing this reply is added.
   */
  static ByteBuffer reply(
      ByteBuffer reuse, int op, StepResult r, float[] grad, int m, StepTraffic.TaskTimes times) {
    long start = System.nanoTime();
    int values = Math.max(m, 0);
    float[] buffers = r.buffers() == null ? new float[0] : r.buffers();
    ByteBuffer b =
        fit(
            reuse,
            StepMessages.size(
                "a reply of " + values + " gradient values",
                REPLY_HEADER + 4L * values + 4 + 4L * buffers.length));
    b.putInt(REPLY).putInt(op).putDouble(r.lossSum()).putDouble(r.weightSum());
    b.putDouble(r.metricSum()).putLong(r.count());
    b.putLong(times.computeSum()).putLong(times.computeMax()).putLong(0).putLong(0).putInt(m);
    putFloats(b, grad, values);
    b.putInt(buffers.length);
    putFloats(b, buffers, buffers.length);
    long encode = System.nanoTime() - start;
    b.putLong(REPLY_ENCODE_AT, times.encodeSum() + encode);
    b.putLong(REPLY_ENCODE_AT + 8, Math.max(times.encodeMax(), encode));
    return b.flip();
  }

  /** The rest of {@code in} copied into {@code reuse} (or a new buffer), {@code in} unmoved. */
  static ByteBuffer copy(ByteBuffer in, ByteBuffer reuse) {
    ByteBuffer b = fit(reuse, in.remaining());
    b.put(in.duplicate());
    return b.flip();
  }

  /** {@code in} read little-endian from its position. */
  static ByteBuffer littleEndian(ByteBuffer in) {
    return in.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer fit(ByteBuffer reuse, int bytes) {
    if (reuse != null && reuse.capacity() >= bytes) {
      reuse.clear();
      return reuse;
    }
    return buffer(bytes);
  }
}
