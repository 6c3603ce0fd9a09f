package org.sparkgrad.ml.spark;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.server.NoOpRpcHandler;
import org.apache.spark.network.server.TransportServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.train.GradientStep;
import org.sparkgrad.ml.train.StepReducer;
import org.sparkgrad.ml.train.StepResult;

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

  /**
   * A command as decoded from the driver's answer; its weights are in the worker's array. A {@link
   * StepProtocol#TREE} command has the partition count in {@code epoch}, the parent's port in
   * {@code step}, and the parent's host.
   */
  private record Command(int op, int epoch, int step, int n, String host) {
    Command(int op, int epoch, int step, int n) {
      this(op, epoch, step, n, null);
    }
  }

  /** What a task needs to join the reduction tree: its relay, a client factory, the token. */
  private static final class Tree {
    private final StepRelay relay;
    private final TransportClientFactory factory;
    private final byte[] token;

    Tree(StepRelay relay, TransportClientFactory factory, byte[] token) {
      this.relay = relay;
      this.factory = factory;
      this.token = token;
    }

    StepRelay relay() {
      return relay;
    }

    TransportClientFactory factory() {
      return factory;
    }

    byte[] token() {
      return token;
    }
  }

  /** Reads the driver's answer to one request. */
  @FunctionalInterface
  private interface Decoder {
    Command decode(ByteBuffer in) throws IOException;
  }

  /** The driver said stop, or hung up, while the task waited in a round of a step. */
  private static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("step channel: the driver stopped the step", null, false, false);
    }
  }

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
      // A task that sends its arrays through the connection can be a node of the reduction tree
      // (StepTree): it listens for its children on the interface it reaches the driver from.
      StepRelay relay = local == null ? new StepRelay(token) : null;
      TransportContext treeContext = relay == null ? null : network.context(relay);
      TransportServer treeServer = null;
      try {
        if (relay != null) {
          String here = ((InetSocketAddress) client.getChannel().localAddress()).getHostString();
          treeServer = network.listen(treeContext, here, 0, 0);
        }
        int treePort = treeServer == null ? 0 : treeServer.getPort();
        Loop loop = new Loop(client, local, partition, attempt, data, step);
        loop.tree = new Tree(relay, factory, token);
        loop.run(StepProtocol.hello(token, partition, attempt, local != null, treePort));
      } finally {
        client.close();
        if (treeServer != null) {
          treeServer.close();
        }
        if (treeContext != null) {
          treeContext.close();
        }
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
    private float[] buffers;
    private Tree tree;
    // Whether the driver has answered the hello: a task in its JVM then asks it in memory.
    private boolean greeted;
    // Where requests go: the driver, or the parent in the reduction tree.
    private TransportClient upstream;

    Loop(
        TransportClient client,
        StepHandOver local,
        int partition,
        long attempt,
        PartitionData data,
        GradientStep step) {
      this.client = client;
      this.upstream = client;
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
        if (c.op() == StepProtocol.TREE) {
          ByteBuffer first = joinTree(c);
          try {
            new StepTreeNode(new Up(), tree.relay(), data, step).run(first);
          } finally {
            if (upstream != client) {
              upstream.close();
            }
          }
          return;
        }
        float[] w = c.n() == StepProtocol.IN_PROCESS ? local.published() : weights;
        StepResult r;
        float[] grad = null;
        int m = 0;
        long start = System.nanoTime();
        if (c.op() == StepProtocol.EVALUATE) {
          r = step.evaluate(data, w, buffers);
        } else if (local != null) {
          // The driver sums straight from the replica's flat gradient buffer, which this thread
          // leaves alone until the driver's next command, sent only once the sum is done.
          try {
            r = step.trainInPlace(data, w, buffers, c.epoch(), c.step(), this::round);
          } catch (Stopped e) {
            return;
          } catch (UncheckedIOException e) {
            throw e.getCause(); // a round's message broke
          }
          if (r.count() > 0) {
            local.handOver(partition, attempt, step.replica().gradFloats());
            m = StepProtocol.IN_PROCESS;
          }
        } else {
          try {
            r = step.train(data, w, buffers, c.epoch(), c.step(), this::round);
          } catch (Stopped e) {
            return;
          } catch (UncheckedIOException e) {
            throw e.getCause(); // a round's message broke
          }
          grad = r.partial();
          m = grad == null ? 0 : grad.length;
        }
        StepTraffic.TaskTimes times = StepTraffic.TaskTimes.of(System.nanoTime() - start, 0);
        reply = StepProtocol.reply(reply, c.op(), r, grad, m, times);
        request = reply;
      }
    }

    /**
     * This partition's {@code values} of round {@code round} of the step, sent to the driver, and
     * the sums over the partitions it answers with ({@link StepReducer}).
     *
     * @throws Stopped if the driver said stop or closed the connection instead
     */
    private float[] round(long round, float[] values) {
      float[][] sums = new float[1][];
      try {
        Command c = ask(StepProtocol.round(round, values), in -> decodeSum(in, sums));
        if (c == null || c.op() == StepProtocol.STOP) {
          throw new Stopped();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return sums[0];
    }

    /** The answer to a round: its sums into {@code out[0]}, or a stop. */
    private Command decodeSum(ByteBuffer in, float[][] out) throws IOException {
      int op = in.remaining() >= 4 ? in.getInt() : -1;
      if (op == StepProtocol.SUM) {
        out[0] = StepMessages.lastFloats(in, null, "a round's sums");
        return new Command(op, 0, 0, 0);
      }
      if (op == StepProtocol.STOP) {
        return new Command(op, 0, 0, 0);
      }
      throw new IOException("step channel: unknown answer " + op + " to a round");
    }

    /** Sends {@code request} and waits for the driver's answer, the next command. */
    private Command ask(ByteBuffer request) throws IOException {
      return ask(request, this::decode);
    }

    /**
     * Joins the reduction tree as {@code c} says: connects to the parent (the driver stays the
     * parent of the root) and returns the first request to send up it.
     */
    private ByteBuffer joinTree(Command c) throws IOException {
      if (tree == null || tree.relay() == null) {
        throw new IOException("step channel: a task in the driver's JVM cannot join the tree");
      }
      tree.relay().join(partition, c.epoch());
      if (c.step() == 0) {
        return StepProtocol.sums(
            null, StepProtocol.TREE, new StepResult(), null, StepTraffic.TaskTimes.NONE);
      }
      try {
        upstream = tree.factory().createUnmanagedClient(c.host(), c.step());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("step channel: interrupted while joining the tree");
      }
      return StepProtocol.hello(tree.token(), partition, attempt, false, 0);
    }

    /** This task's link up the tree, as its tree node uses it. */
    private final class Up implements StepTreeNode.Upstream {
      @Override
      public StepTreeNode.Step ask(ByteBuffer request, ByteBuffer[] raw) throws IOException {
        Command c =
            Loop.this.ask(
                request,
                in -> {
                  raw[0] = StepProtocol.copy(in, raw[0]);
                  return decode(in);
                });
        return c == null || c.op() == StepProtocol.STOP
            ? null
            : new StepTreeNode.Step(c.op(), c.epoch(), c.step());
      }

      @Override
      public float[] weights() {
        return weights;
      }

      @Override
      public float[] buffers() {
        return buffers;
      }

      @Override
      public boolean alive() {
        return upstream.isActive() && client.isActive();
      }
    }

    /**
     * Sends {@code request} and waits for the driver's answer, decoded by {@code decoder}; null if
     * the driver closed the connection or refused the request. A task in the driver's JVM sends all
     * but its hello in memory ({@link StepHandOver#deliver}).
     */
    private Command ask(ByteBuffer request, Decoder decoder) throws IOException {
      CompletableFuture<Command> answer = new CompletableFuture<>();
      RpcResponseCallback callback =
          new RpcResponseCallback() {
            @Override
            public void onSuccess(ByteBuffer response) {
              try {
                answer.complete(decoder.decode(StepProtocol.littleEndian(response)));
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
          };
      if (greeted && local != null) {
        local.deliver(partition, attempt, request.duplicate(), callback);
      } else {
        upstream.sendRpc(request.duplicate(), callback);
      }
      try {
        Command c = answer.get();
        greeted = true;
        return c;
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
      StepMessages.Command c = StepMessages.command(in, weights, buffers, local != null);
      if (c.weights != null) {
        weights = c.weights;
      }
      if (c.buffers != null) {
        buffers = c.buffers;
      }
      return new Command(c.op, c.epoch, c.step, c.n, c.host);
    }
  }
}
