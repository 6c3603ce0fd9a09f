package org.sparkgrad.ml.spark;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * Reads the step channel's messages ({@link StepProtocol} writes them) and sizes them before they
 * are written: the one decoder of hellos, reply headers and commands, used by the driver's {@link
 * StepPeers}, the tasks' {@link StepWorker} and the tree nodes' {@link StepRelay}, so that every
 * end checks a message's lengths the same way and says what was wrong in the same words.
 *
 * <p>The frames themselves are Spark's: each message is the body of an RPC of Spark's network
 * transport, whose {@code TransportFrameDecoder} cuts the byte stream into frames by an 8-byte
 * length prefix and refuses a frame of {@code Integer.MAX_VALUE} bytes or more ("Too large frame")
 * or of no bytes, and whose {@code MessageEncoder} writes the header (frame length, message type,
 * request id, body length) ahead of the body without copying it. Taken from there: the size of a
 * message is computed in {@code long} and checked against the frame limit <em>before</em> a buffer
 * is allocated ({@link #size}), and every length read from a message is checked against the bytes
 * that are left before anything is read, the error naming both numbers (a truncated message is
 * reported as such, never read past its end).
 */
final class StepMessages {
  /**
   * The largest message the transport carries: its frame limit ({@code Integer.MAX_VALUE}) less the
   * RPC frame's own header (8-byte frame length, 1-byte type, 8-byte request id, 4-byte body
   * length) and some room.
   */
  static final long MAX_BYTES = Integer.MAX_VALUE - 64L;

  private StepMessages() {}

  /** A task's hello ({@link StepProtocol#hello}), read after its kind, from a task of this fit. */
  record Hello(int partition, long attempt, boolean inProcess, int port) {}

  /**
   * The fixed part of a reply or of a subtree's sums ({@link StepProtocol#reply}, {@link
   * StepProtocol#sums}), read after its kind; the arrays follow it.
   */
  record Header(
      int op,
      double lossSum,
      double weightSum,
      double metricSum,
      long count,
      StepTraffic.TaskTimes times,
      int n) {}

  /**
   * A command from the driver or a parent ({@link StepProtocol#command}, {@link
   * StepProtocol#tree}). A {@link StepProtocol#TREE} command has the partition count in {@code
   * epoch}, the parent's port in {@code step} and the parent's {@code host}; the others have their
   * {@code weights} (null when {@code n} is {@link StepProtocol#IN_PROCESS}) and {@code buffers}.
   */
  static final class Command {
    final int op;
    final int epoch;
    final int step;
    final int n;
    final String host;
    final float[] weights;
    final float[] buffers;

    @SuppressWarnings("TooManyParameters") // the header's four fields and what follows it
    Command(int op, int epoch, int step, int n, String host, float[] weights, float[] buffers) {
      this.op = op;
      this.epoch = epoch;
      this.step = step;
      this.n = n;
      this.host = host;
      this.weights = weights;
      this.buffers = buffers;
    }
  }

  /**
   * {@code bytes} as an int once it fits in one message.
   *
   * @throws IllegalArgumentException naming {@code what}, the size and the limit, if it does not
   */
  static int size(String what, long bytes) {
    if (bytes < 0 || bytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          "step channel: "
              + what
              + " needs "
              + bytes
              + " bytes, more than one message of Spark's transport carries ("
              + MAX_BYTES
              + " bytes); train with fewer parameters or without the step channel"
              + " (spark.sparkgrad.fit.transport=jobs)");
    }
    return (int) bytes;
  }

  /**
   * The hello in {@code in}, whose kind was read.
   *
   * @param token the token it must present, or null where Spark authenticates the connection
   * @throws IOException if it has the wrong length, magic or token
   */
  static Hello hello(ByteBuffer in, byte[] token) throws IOException {
    if (in.remaining() != StepProtocol.HELLO_BYTES - 4) {
      throw new IOException(
          "step channel: a hello of "
              + (in.remaining() + 4)
              + " bytes, expected "
              + StepProtocol.HELLO_BYTES);
    }
    int magic = in.getInt();
    byte[] presented = new byte[StepProtocol.TOKEN_BYTES];
    in.get(presented);
    Hello h = new Hello(in.getInt(), in.getLong(), in.getInt() == 1, in.getInt());
    if (magic != StepProtocol.MAGIC
        || (token != null && !MessageDigest.isEqual(presented, token))) {
      throw new IOException("not a task of this fit (partition " + h.partition() + ")");
    }
    return h;
  }

  /** The header of the reply or sums in {@code in}, whose kind was read. */
  static Header header(ByteBuffer in) throws IOException {
    need(in, StepProtocol.REPLY_HEADER - 4L, "a reply");
    return new Header(
        in.getInt(),
        in.getDouble(),
        in.getDouble(),
        in.getDouble(),
        in.getLong(),
        new StepTraffic.TaskTimes(in.getLong(), in.getLong(), in.getLong(), in.getLong()),
        in.getInt());
  }

  /**
   * The command in {@code in}, its weights and buffers read into {@code weights} and {@code
   * buffers} where those have the right length (else into new arrays).
   *
   * @param inProcess whether the reader may be told to read the weights in memory
   * @throws IOException for a short message, an unknown op or a length that does not fit
   */
  static Command command(ByteBuffer in, float[] weights, float[] buffers, boolean inProcess)
      throws IOException {
    need(in, StepProtocol.COMMAND_HEADER, "a command");
    int op = in.getInt();
    int epoch = in.getInt();
    int step = in.getInt();
    int n = in.getInt();
    if (op == StepProtocol.TREE) {
      if (n < 0) {
        throw new IOException("step channel: a tree command's host of " + n + " bytes");
      }
      need(in, n, "a tree command's host");
      byte[] host = new byte[n];
      in.get(host);
      return new Command(op, epoch, step, 0, new String(host, UTF_8), null, null);
    }
    boolean known =
        op == StepProtocol.STOP || op == StepProtocol.STEP || op == StepProtocol.EVALUATE;
    if (!known || (n < 0 && (n != StepProtocol.IN_PROCESS || !inProcess))) {
      throw new IOException("step channel: unknown command " + op + " (n = " + n + ")");
    }
    if (op == StepProtocol.STOP) {
      return new Command(op, epoch, step, n, null, null, null);
    }
    float[] w = n >= 0 ? floats(in, n, weights, "weights") : null;
    return new Command(op, epoch, step, n, null, w, lastFloats(in, buffers, "buffers"));
  }

  /**
   * Reads {@code n} floats that follow in {@code in} into {@code into} (or a new array if it is not
   * of length n); checks that at least n are there.
   */
  static float[] floats(ByteBuffer in, int n, float[] into, String what) throws IOException {
    if (n < 0) {
      throw new IOException("step channel: " + what + " of " + n + " values");
    }
    need(in, 4L * n, what + " of " + n + " values");
    float[] out = into != null && into.length == n ? into : new float[n];
    in.asFloatBuffer().get(out, 0, n);
    in.position(in.position() + 4 * n);
    return out;
  }

  /** Reads {@code n} doubles that follow in {@code in}; checks that they are there. */
  static double[] doubles(ByteBuffer in, int n) throws IOException {
    if (n < 0) {
      throw new IOException("step channel: a sum of " + n + " values");
    }
    need(in, 8L * n, "a sum of " + n + " values");
    double[] out = new double[n];
    in.asDoubleBuffer().get(out);
    in.position(in.position() + 8 * n);
    return out;
  }

  /**
   * Reads the count and the values of the last array in {@code in} (the buffers of a command or a
   * reply, the sums of a round's answer); checks that nothing else follows.
   */
  static float[] lastFloats(ByteBuffer in, float[] into, String what) throws IOException {
    need(in, 4, what + "'s length");
    int n = in.getInt();
    if (in.remaining() != 4L * n) {
      throw new IOException(
          "step channel: "
              + what
              + " of "
              + n
              + " values ("
              + 4L * n
              + " bytes) came with "
              + in.remaining()
              + " bytes");
    }
    return floats(in, n, into, what);
  }

  /** Checks that {@code bytes} more are in {@code in}: a truncated message is refused. */
  private static void need(ByteBuffer in, long bytes, String what) throws IOException {
    if (in.remaining() < bytes) {
      throw new IOException(
          "step channel: a truncated message: "
              + what
              + " needs "
              + bytes
              + " bytes, "
              + in.remaining()
              + " are left");
    }
  }
}
