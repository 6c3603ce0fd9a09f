package org.sparkgrad.ml.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The messages between the driver's {@link StepServer} and the tasks' {@link StepWorker}s, carried
 * as RPCs of Spark's network transport ({@link StepNetwork}), which frames, authenticates and
 * encrypts them. Fixed little-endian headers followed by float32 arrays, so that both ends move a
 * 235k-float array with one bulk copy instead of serialising it.
 *
 * <p>The task asks and the driver answers: every request (a hello, then a reply) is answered with
 * the next command, once the driver has one, so a connection has at most one message in flight.
 *
 * <ul>
 *   <li>hello, task to driver, once per connection: {@link #HELLO}, magic, the fit's 16-byte token
 *       (zeros where Spark's authentication is on: the connection is then authenticated with
 *       Spark's secret), partition, task attempt id, whether the task is in the driver's JVM.
 *   <li>reply, task to driver: {@link #REPLY}, op, loss sum, weight sum, metric sum, row count, n,
 *       then n gradient values (n = 0 when the partition had no rows in the minibatch).
 *   <li>command, driver to task (the answer to a hello or a reply): op ({@link #STEP}, {@link
 *       #EVALUATE} or {@link #STOP}), epoch, step, n, then n weights.
 * </ul>
 *
 * <p>A task in the driver's own JVM (Spark's local mode) moves no array through the connection: a
 * command with n = {@link #IN_PROCESS} means "read the weights the server published", and a reply
 * with n = {@link #IN_PROCESS} means "take the gradient I handed over" ({@link StepHandOver}); the
 * connection carries only the headers, which order the hand-overs.
 */
final class StepProtocol {
  static final int MAGIC = 0x53475332; // "SGS2"
  static final int TOKEN_BYTES = 16;
  static final int HELLO = 1;
  static final int REPLY = 2;
  static final int HELLO_BYTES = 4 + 4 + TOKEN_BYTES + 4 + 8 + 4;
  static final int COMMAND_HEADER = 16;
  static final int REPLY_HEADER = 4 + 4 + 8 + 8 + 8 + 8 + 4;

  /** Compute the gradient of one minibatch. */
  static final int STEP = 1;

  /** End the task. */
  static final int STOP = 2;

  /** Evaluate the partition's validation rows; the reply carries their sums and no gradient. */
  static final int EVALUATE = 3;

  /** The array length that says the array is handed over in memory. */
  static final int IN_PROCESS = -1;

  private StepProtocol() {}

  /** A little-endian direct buffer of {@code bytes}. */
  static ByteBuffer buffer(int bytes) {
    return ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A hello from a task; {@code token} null sends zeros (the connection is authenticated). */
  static ByteBuffer hello(byte[] token, int partition, long attempt, boolean inProcess) {
    ByteBuffer b = buffer(HELLO_BYTES);
    b.putInt(HELLO).putInt(MAGIC).put(token == null ? new byte[TOKEN_BYTES] : token);
    b.putInt(partition).putLong(attempt).putInt(inProcess ? 1 : 0).flip();
    return b;
  }

  /**
   * A command into {@code reuse} (or a new buffer if it is too small); {@code weights} null sends
   * {@link #IN_PROCESS} and no array.
   */
  static ByteBuffer command(ByteBuffer reuse, int op, int epoch, int step, float[] weights) {
    int n = weights == null ? 0 : weights.length;
    ByteBuffer b = fit(reuse, COMMAND_HEADER + 4 * n);
    b.putInt(op).putInt(epoch).putInt(step).putInt(weights == null ? IN_PROCESS : n);
    if (n > 0) {
      b.asFloatBuffer().put(weights);
      b.position(b.position() + 4 * n);
    }
    return b.flip();
  }

  /**
   * A reply into {@code reuse} (or a new buffer if it is too small) with the first {@code m} values
   * of {@code grad} ({@code m} may be 0 or {@link #IN_PROCESS}, when no array follows).
   */
  static ByteBuffer reply(ByteBuffer reuse, int op, StepResult r, float[] grad, int m) {
    int values = Math.max(m, 0);
    ByteBuffer b = fit(reuse, REPLY_HEADER + 4 * values);
    b.putInt(REPLY).putInt(op).putDouble(r.lossSum()).putDouble(r.weightSum());
    b.putDouble(r.metricSum()).putLong(r.count()).putInt(m);
    if (values > 0) {
      b.asFloatBuffer().put(grad, 0, values);
      b.position(b.position() + 4 * values);
    }
    return b.flip();
  }

  /**
   * Reads {@code n} floats that follow in {@code in} into {@code into} (or a new array if it is not
   * of length n); checks that exactly n are there.
   */
  static float[] floats(ByteBuffer in, int n, float[] into, String what) throws IOException {
    if (in.remaining() != 4L * n) {
      throw new IOException(
          "step channel: " + what + " of " + n + " values came with " + in.remaining() + " bytes");
    }
    float[] out = into != null && into.length == n ? into : new float[n];
    in.asFloatBuffer().get(out, 0, n);
    return out;
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
