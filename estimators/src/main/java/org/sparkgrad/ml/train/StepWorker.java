package org.sparkgrad.ml.train;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.ml.data.PartitionData;

/**
 * The task side of the step channel, with no Spark in it: connects to the driver's {@link
 * StepServer}, then computes a {@link GradientStep} for every command the driver sends until it
 * says stop, on the same replica and the same cached rows all epoch long, and evaluates the
 * partition's validation rows when the driver asks (after the epoch's last step). One such task per
 * partition replaces one Spark job per step, and the validation job of the epoch.
 *
 * <p>The channel is blocking and interruptible: cancelling the Spark job interrupts the task
 * thread, which closes the channel. When the driver closes the connection without a stop (it gave
 * up on the channel and went back to one job per step), the worker returns normally instead of
 * failing the task, so that Spark does not retry it.
 */
final class StepWorker {
  private static final Logger LOG = LoggerFactory.getLogger(StepWorker.class);

  private StepWorker() {}

  /**
   * Serves steps of {@code data} to the driver at {@code host:port} until it says stop or closes.
   *
   * @param token the fit's token, proving to the driver that this task belongs to the fit
   * @param attempt the task attempt id, for the driver's logs
   * @param inProcess whether to exchange the arrays in memory when the driver's server is in this
   *     JVM (false sends them through the socket as from another JVM, for tests)
   * @throws IOException if the connection breaks mid-message
   */
  @SuppressWarnings("TooManyParameters") // the connection's identity, the data and the work
  static void serve(
      String host,
      int port,
      byte[] token,
      int partition,
      long attempt,
      PartitionData data,
      GradientStep step,
      boolean inProcess)
      throws IOException {
    SocketChannel opened;
    try {
      opened = SocketChannel.open(new InetSocketAddress(host, port));
    } catch (ConnectException e) {
      // The driver closed the channel before this task started (it gave up waiting for it), or
      // cannot be reached from here: either way the fit goes on without this task, and failing it
      // would only make Spark run it again.
      LOG.warn(
          "step channel: partition {} cannot reach the driver at {}:{} ({}); this task ends",
          partition,
          host,
          port,
          e.toString());
      return;
    }
    try (SocketChannel ch = opened) {
      ch.socket().setTcpNoDelay(true);
      StepServer local = inProcess ? StepServer.inThisJvm(token) : null;
      ByteBuffer hello = StepProtocol.buffer(StepProtocol.HELLO_BYTES);
      hello.putInt(StepProtocol.MAGIC).put(token).putInt(partition).putLong(attempt);
      hello.putInt(local != null ? 1 : 0).flip();
      writeFully(ch, hello);
      ByteBuffer header = StepProtocol.buffer(StepProtocol.COMMAND_HEADER);
      ByteBuffer reply = StepProtocol.buffer(StepProtocol.REPLY_HEADER);
      ByteBuffer payload = null;
      float[] weights = null;
      while (true) {
        header.clear();
        if (!readFully(ch, header, true)) {
          return; // the driver closed the channel between commands
        }
        header.flip();
        int op = header.getInt();
        int epoch = header.getInt();
        int s = header.getInt();
        int n = header.getInt();
        if (op == StepProtocol.STOP) {
          return;
        }
        if ((op != StepProtocol.STEP && op != StepProtocol.EVALUATE)
            || (n < 0 && (n != StepProtocol.IN_PROCESS || local == null))) {
          throw new IOException("step channel: unknown command " + op + " from the driver");
        }
        if (n == StepProtocol.IN_PROCESS) {
          weights = local.published();
        } else {
          if (payload == null || payload.capacity() < 4 * n) {
            payload = StepProtocol.buffer(4 * n);
          }
          if (weights == null || weights.length != n) {
            weights = new float[n];
          }
          payload.clear().limit(4 * n);
          readFully(ch, payload, false);
          payload.flip();
          payload.asFloatBuffer().get(weights, 0, n);
        }
        StepResult r;
        float[] grad = null;
        int m = 0;
        if (op == StepProtocol.EVALUATE) {
          r = step.evaluate(data, weights);
        } else if (local != null) {
          // The driver sums straight from the replica's gradient buffers, which this thread leaves
          // alone until the driver's next command, sent only once the sum is done.
          r = step.trainInPlace(data, weights, epoch, s);
          float[][] arrays = r.count() == 0 ? null : step.replica().gradArrays();
          if (arrays != null) {
            local.handOver(partition, attempt, arrays);
            m = StepProtocol.IN_PROCESS;
          } else if (r.count() > 0) {
            grad = step.replica().flatGradFloat();
            local.handOver(partition, attempt, new float[][] {grad});
            m = StepProtocol.IN_PROCESS;
          }
        } else {
          r = step.train(data, weights, epoch, s);
          grad = r.partial();
          m = grad == null ? 0 : grad.length;
        }
        reply
            .clear()
            .putInt(op)
            .putDouble(r.lossSum())
            .putDouble(r.weightSum())
            .putDouble(r.metricSum())
            .putLong(r.count())
            .putInt(m)
            .flip();
        writeFully(ch, reply);
        if (m > 0) {
          if (payload == null || payload.capacity() < 4 * m) {
            payload = StepProtocol.buffer(4 * m);
          }
          payload.clear().limit(4 * m);
          payload.asFloatBuffer().put(grad, 0, m);
          writeFully(ch, payload);
        }
      }
    }
  }

  private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /**
   * Fills {@code b}; returns false if the peer closed the channel before the first byte and {@code
   * endOk}, else throws {@link EOFException} on a close.
   */
  private static boolean readFully(SocketChannel ch, ByteBuffer b, boolean endOk)
      throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        if (endOk && b.position() == 0) {
          return false;
        }
        throw new EOFException("step channel: the driver closed the connection mid-message");
      }
    }
    return true;
  }
}
