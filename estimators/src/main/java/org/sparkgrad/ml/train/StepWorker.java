package org.sparkgrad.ml.train;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.server.NoOpRpcHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.ml.data.PartitionData;

/**
 * The task side of the step channel: connects to the driver's {@link StepServer} through Spark's
 * network transport ({@link StepNetwork}, authenticated and encrypted as Spark's own connections
 * are), then computes a {@link GradientStep} for every command the driver sends until it says stop,
 * on the same replica and the same cached rows all epoch long, and evaluates the partition's
 * validation rows when the driver asks (after the epoch's last step). One such task per partition
 * replaces one Spark job per step, and the validation job of the epoch.
 *
 * <p>Cancelling the Spark job interrupts the task thread, which closes the connection. When the
 * driver cannot be reached, or closes the connection without a stop (it gave up on the channel and
 * went back to one job per step), the worker returns normally instead of failing the task, so that
 * Spark does not retry it. A driver that refuses the connection's authentication fails the task.
 */
final class StepWorker {
  private static final Logger LOG = LoggerFactory.getLogger(StepWorker.class);

  private StepWorker() {}

  /** A command as decoded from the driver's answer; its weights are in the worker's array. */
  private record Command(int op, int epoch, int step, int n) {}

  /**
   * Serves steps of {@code data} to the driver at {@code host:port} until it says stop or closes.
   *
   * @param token the fit's token, where Spark's authentication is off; null where it is on
   * @param attempt the task attempt id, for the driver's logs
   * @param inProcess whether to exchange the arrays in memory when the driver's server is in this
   *     JVM (false sends them through the connection as from another JVM)
   * @throws IOException if the connection breaks mid-message or the thread is interrupted
   */
  @SuppressWarnings("TooManyParameters") // the connection's identity, the data and the work
  static void serve(
      StepNetwork network,
      String host,
      int port,
      byte[] token,
      int partition,
      long attempt,
      PartitionData data,
      GradientStep step,
      boolean inProcess)
      throws IOException {
    StepHandOver local = inProcess ? StepHandOver.inThisJvm(port) : null;
    try (TransportContext context = network.context(new NoOpRpcHandler());
        TransportClientFactory factory = context.createClientFactory(network.clientBootstraps())) {
      TransportClient client;
      try {
        client = factory.createUnmanagedClient(host, port);
      } catch (IOException e) {
        // The driver closed the channel before this task started (it gave up waiting for it), or
        // cannot be reached from here: either way the fit goes on without this task, and failing
        // it would only make Spark run it again.
        LOG.warn(
            "step channel: partition {} cannot reach the driver at {}:{} ({}); this task ends",
            partition,
            host,
            port,
            e.toString());
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("step channel: interrupted while connecting");
      }
      try {
        new StepWorker.Loop(client, local, partition, attempt, data, step)
            .run(StepProtocol.hello(token, partition, attempt, local != null));
      } finally {
        client.close();
      }
    }
  }

  /** One connection's commands, answered until a stop. */
  private static final class Loop {
    private final TransportClient client;
    private final StepHandOver local;
    private final int partition;
    private final long attempt;
    private final PartitionData data;
    private final GradientStep step;
    private float[] weights;

    Loop(
        TransportClient client,
        StepHandOver local,
        int partition,
        long attempt,
        PartitionData data,
        GradientStep step) {
      this.client = client;
      this.local = local;
      this.partition = partition;
      this.attempt = attempt;
      this.data = data;
      this.step = step;
    }

    void run(ByteBuffer hello) throws IOException {
      ByteBuffer request = hello;
      ByteBuffer reply = null;
      while (true) {
        Command c = ask(request);
        if (c == null || c.op() == StepProtocol.STOP) {
          return;
        }
        float[] w = c.n() == StepProtocol.IN_PROCESS ? local.published() : weights;
        StepResult r;
        float[] grad = null;
        int m = 0;
        if (c.op() == StepProtocol.EVALUATE) {
          r = step.evaluate(data, w);
        } else if (local != null) {
          // The driver sums straight from the replica's gradient buffers, which this thread leaves
          // alone until the driver's next command, sent only once the sum is done.
          r = step.trainInPlace(data, w, c.epoch(), c.step());
          if (r.count() > 0) {
            float[][] arrays = step.replica().gradArrays();
            local.handOver(
                partition,
                attempt,
                arrays != null ? arrays : new float[][] {step.replica().flatGradFloat()});
            m = StepProtocol.IN_PROCESS;
          }
        } else {
          r = step.train(data, w, c.epoch(), c.step());
          grad = r.partial();
          m = grad == null ? 0 : grad.length;
        }
        reply = StepProtocol.reply(reply, c.op(), r, grad, m);
        request = reply;
      }
    }

    /**
     * Sends {@code request} and waits for the driver's answer, the next command; null if the driver
     * closed the connection or refused the request.
     */
    private Command ask(ByteBuffer request) throws IOException {
      CompletableFuture<Command> answer = new CompletableFuture<>();
      client.sendRpc(
          request.duplicate(),
          new RpcResponseCallback() {
            @Override
            public void onSuccess(ByteBuffer response) {
              try {
                answer.complete(decode(StepProtocol.littleEndian(response)));
              } catch (IOException e) {
                answer.completeExceptionally(new UncheckedIOException(e));
              } catch (RuntimeException e) {
                answer.completeExceptionally(e);
              }
            }

            @Override
            public void onFailure(Throwable e) {
              answer.completeExceptionally(new IllegalStateException(e));
            }
          });
      try {
        return answer.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("step channel: interrupted while waiting for the driver");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UncheckedIOException bad) {
          throw bad.getCause(); // the driver's answer was not a command
        }
        if (!(cause instanceof IllegalStateException closed) || closed.getCause() == null) {
          throw new IOException("step channel: decoding the driver's command failed", cause);
        }
        // The driver closed the connection (it gave up on the channel) or refused the request.
        LOG.info(
            "step channel: partition {}: no command from the driver ({}); this task ends",
            partition,
            closed.getCause().toString());
        return null;
      }
    }

    /** The command in {@code in}, its weights read into the worker's array. */
    private Command decode(ByteBuffer in) throws IOException {
      if (in.remaining() < StepProtocol.COMMAND_HEADER) {
        throw new IOException("step channel: a command of " + in.remaining() + " bytes");
      }
      Command c = new Command(in.getInt(), in.getInt(), in.getInt(), in.getInt());
      boolean known =
          c.op() == StepProtocol.STOP
              || c.op() == StepProtocol.STEP
              || c.op() == StepProtocol.EVALUATE;
      if (!known || (c.n() < 0 && (c.n() != StepProtocol.IN_PROCESS || local == null))) {
        throw new IOException("step channel: unknown command " + c.op() + " from the driver");
      }
      if (c.n() >= 0 && c.op() != StepProtocol.STOP) {
        weights = StepProtocol.floats(in, c.n(), weights, "weights");
      }
      return c;
    }
  }
}
