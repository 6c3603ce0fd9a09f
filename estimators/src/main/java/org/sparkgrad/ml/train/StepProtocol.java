package org.sparkgrad.ml.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The wire format between the driver's {@link StepServer} and the tasks' {@link StepWorker}s: fixed
 * little-endian headers followed by float32 arrays, so that both ends move a 235k-float array with
 * one bulk copy instead of serialising it.
 *
 * <ul>
 *   <li>hello, task to driver, once per connection: magic, the fit's 16-byte token, partition, task
 *       attempt id.
 *   <li>command, driver to task: op ({@link #STEP}, {@link #EVALUATE} or {@link #STOP}), epoch,
 *       step, n, then n weights.
 *   <li>reply, task to driver: op, loss sum, weight sum, metric sum, row count, n, then n gradient
 *       values (n = 0 when the partition had no rows in the minibatch).
 * </ul>
 *
 * <p>A task in the driver's own JVM (Spark's local mode) moves no array through the socket: a
 * command with n = {@link #IN_PROCESS} means "read the weights the server published", and a reply
 * with n = {@link #IN_PROCESS} means "take the gradient I handed over"; the socket carries only the
 * headers, which order the hand-overs.
 */
final class StepProtocol {
  static final int MAGIC = 0x53475331; // "SGS1"
  static final int TOKEN_BYTES = 16;
  static final int HELLO_BYTES = 4 + TOKEN_BYTES + 4 + 8 + 4;
  static final int COMMAND_HEADER = 16;
  static final int REPLY_HEADER = 4 + 8 + 8 + 8 + 8 + 4;

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
}
