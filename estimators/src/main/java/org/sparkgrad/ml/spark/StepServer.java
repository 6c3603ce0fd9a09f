package org.sparkgrad.ml.spark;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.server.TransportServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.ml.train.StepReducer;
import org.sparkgrad.ml.train.StepResult;

/**
 * The driver side of the step channel: a server of Spark's network transport ({@link StepNetwork})
 * that the fit's tasks (one {@link StepWorker} per partition) connect to, and through which each
 * synchronous step sends the weights to every partition and sums the gradients they send back, in
 * partition order, in double precision. It replaces a Spark job per step (tens of milliseconds)
 * with one request and one answer per partition.
 *
 * <p>Its parts: Spark's transport frames the messages, {@link StepMessages} reads them, {@link
 * StepPeers} holds the connections, {@link StepHandOver} moves the arrays of tasks in this JVM and
 * {@link StepGather} makes the answers one result; the server sends the commands and waits.
 *
 * <p>The connections' messages arrive on the transport's threads ({@link StepPeers}); the caller of
 * {@link #step} waits for them in ticks, so a partition that never answers cannot block it forever.
 * A partition whose connection breaks (its task was killed, its executor lost) is waited for: when
 * Spark runs the task again, the new attempt connects, replaces the old connection and is sent the
 * same command, so the step's result is what it would have been without the failure. A partition
 * that stays away longer than the wait given at construction, or a task job that ended, makes
 * {@link #step} throw {@link ChannelLost}, and the caller goes back to one Spark job per step.
 *
 * <p>Where Spark's authentication is on, only connections that authenticate with Spark's secret
 * reach the channel; where it is off, only those that present the fit's random token are accepted.
 */
final class StepServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StepServer.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long TICK_MS = 100;

  /** What the tasks' job looks like from the driver. */
  interface Tasks {
    /** Non-null once the job that runs the workers has ended: its error, or a reason. */
    Throwable ended();
  }

  /** The channel cannot go on; {@link #getCause()} is the job's error, if it failed. */
  static final class ChannelLost extends Exception {
    private static final long serialVersionUID = 1L;

    ChannelLost(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final StepNetwork network;
  private final TransportContext context;
  private final TransportServer server;
  private final byte[] token = new byte[StepProtocol.TOKEN_BYTES];
  private final StepHandOver handOver;
  private final StepPeers peers;
  private final long[] lostSince;
  private final long waitNanos;
  // When the last exchange ended (0 before the first), for the driver's work time in StepTraffic.
  private long exchangeEnded;

  /**
   * A server for {@code partitions} partitions, listening on {@code host} at {@code port} (0: any
   * free port) or the first free port up to {@code port + maxRetries}.
   *
   * @param wait how long a partition may be without a connection before the channel is lost
   */
  StepServer(
      StepNetwork network, String host, int port, int maxRetries, int partitions, Duration wait) {
    this(network, host, port, maxRetries, partitions, wait, false);
  }

  /**
   * A server as above that, where {@code tree} is true, sums through a reduction tree of the tasks
   * ({@link StepTree}) whenever it can: 3 or more partitions, every task sending its arrays through
   * its connection (not in the driver's JVM with {@code fit.channel.inMemory}). The caller passes
   * false for a network that exchanges batch statistics mid-step, which the tree does not carry.
   */
  @SuppressWarnings("TooManyParameters") // the address, the size and the two policies
  StepServer(
      StepNetwork network,
      String host,
      int port,
      int maxRetries,
      int partitions,
      Duration wait,
      boolean tree) {
    RANDOM.nextBytes(token);
    this.network = network;
    this.handOver = new StepHandOver(partitions);
    this.lostSince = new long[partitions];
    this.waitNanos = wait.toNanos();
    this.peers = new StepPeers(this, partitions, network.authenticates() ? null : token, tree);
    this.context = network.context(peers);
    try {
      this.server = network.listen(context, host, port, maxRetries);
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
    Arrays.fill(lostSince, System.nanoTime());
    handOver.register(server.getPort(), peers);
  }

  /** The port the server listens on. */
  int port() {
    return server.getPort();
  }

  /**
   * The token a worker must present (a copy), or null where the connections are authenticated with
   * Spark's secret instead.
   */
  byte[] token() {
    return network.authenticates() ? null : token.clone();
  }

  /** How many requests tasks in this JVM have delivered in memory ({@link StepHandOver}). */
  long deliveredInMemory() {
    return peers.deliveredInMemory();
  }

  /** Waits until every partition is connected. */
  synchronized void awaitConnected(Tasks tasks) throws ChannelLost {
    while (!peers.allConnected()) {
      tick(tasks);
    }
  }

  /** Whether every partition has a task connected now. */
  synchronized boolean allConnected() {
    return peers.allConnected();
  }

  /**
   * One synchronous step: sends {@code weights} and {@code buffers} with minibatch {@code step} of
   * {@code epoch} to every partition and returns the sums of their replies, with the buffers of the
   * first partition that had rows. The result's gradient is the partitions' own arrays, unsummed
   * ({@link StepResult#ofUnsummed}): they are reused by the next call. Mid-step, the partitions'
   * batch statistics are summed round by round ({@link StepPeers}, {@link StepReducer}).
   */
  StepResult step(float[] weights, float[] buffers, int epoch, int step, Tasks tasks)
      throws ChannelLost {
    return exchange(StepProtocol.STEP, weights, buffers, epoch, step, tasks);
  }

  /**
   * The loss and metric sums over every partition's validation rows under {@code weights} and
   * {@code buffers}, summed in partition order.
   */
  StepResult evaluate(float[] weights, float[] buffers, Tasks tasks) throws ChannelLost {
    return exchange(StepProtocol.EVALUATE, weights, buffers, -1, -1, tasks);
  }

  private synchronized StepResult exchange(
      int op, float[] weights, float[] buffers, int epoch, int step, Tasks tasks)
      throws ChannelLost {
    Consumer<StepTraffic> heard = op == StepProtocol.STEP ? StepTraffic.listener() : null;
    long start = System.nanoTime();
    long[] before = heard == null ? null : peers.traffic();
    handOver.publish(weights);
    peers.begin(op, epoch, step, weights, buffers);
    try {
      while (!peers.allDone()) {
        tick(tasks);
      }
    } finally {
      peers.end();
    }
    long waited = System.nanoTime() - start;
    StepResult r = StepGather.gather(peers, handOver, lostSince.length, weights.length);
    if (heard != null) {
      heard.accept(traffic(before, waited, exchangeEnded == 0 ? 0 : start - exchangeEnded));
    }
    exchangeEnded = System.nanoTime();
    return r;
  }

  /** The step's traffic: the counters' growth since {@code before}, and the times. */
  private StepTraffic traffic(long[] before, long waited, long worked) {
    long[] after = peers.traffic();
    StepTraffic.TaskTimes times = StepTraffic.TaskTimes.NONE;
    for (int p = 0; p < (peers.tree() ? 1 : lostSince.length); p++) {
      times = times.plus(peers.get(p).times);
    }
    return new StepTraffic(
        lostSince.length,
        after[0] - before[0],
        after[1] - before[1],
        after[2] - before[2],
        after[3] - before[3],
        waited,
        worked,
        times);
  }

  /**
   * Waits for the transport's threads a tick (the callers loop on their condition, so a spurious
   * wake-up is only an early check); throws if the channel cannot go on.
   */
  @SuppressWarnings("WaitNotInLoop")
  private void tick(Tasks tasks) throws ChannelLost {
    try {
      wait(TICK_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChannelLost("step channel: interrupted", e);
    }
    if (peers.treeBroken() != null) {
      throw new ChannelLost(
          "step channel: the reduction tree broke (" + peers.treeBroken() + ")", null);
    }
    Throwable ended = tasks.ended();
    if (ended != null) {
      throw new ChannelLost("step channel: the tasks' job ended: " + ended, ended);
    }
    long now = System.nanoTime();
    for (int p = 0; p < lostSince.length; p++) {
      if (peers.get(p) == null && now - lostSince[p] > waitNanos) {
        throw new ChannelLost(
            "step channel: partition "
                + p
                + " has had no task connected for "
                + Duration.ofNanos(waitNanos).toSeconds()
                + " s",
            null);
      }
    }
  }

  /** Called by {@link StepPeers}, holding this server's lock, when a partition's link broke. */
  void lost(int partition, String why) {
    LOG.warn(
        "step channel: lost partition {} ({}); waiting for Spark to run its task again",
        partition,
        why);
    lostSince[partition] = System.nanoTime();
  }

  /**
   * Tells every waiting task to stop, gives them a moment to read it and hang up (closing the
   * server at once would cut the stop off, and both ends would log the lost answer as an error),
   * then closes the server; idempotent.
   */
  @Override
  public void close() {
    List<TransportClient> told;
    synchronized (this) {
      told = peers.stop();
      if (told == null) {
        return;
      }
      handOver.unregister(server.getPort());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    try {
      for (TransportClient c : told) {
        while (c.isActive() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server.close();
      context.close();
    }
  }

  /** A stop command, the answer to a task's request once the channel is closing. */
  static ByteBuffer stop() {
    return StepProtocol.command(null, StepProtocol.STOP, 0, 0, new float[0], new float[0]);
  }
}
