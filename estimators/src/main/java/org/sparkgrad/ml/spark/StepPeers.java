package org.sparkgrad.ml.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.server.OneForOneStreamManager;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.ml.train.StepReducer;

/**
 * The step channel's connections as the driver's {@link StepServer} sees them: one {@link StepPeer}
 * per partition, fed by the transport's threads, which call {@link #receive} with each task's
 * request (a hello or a reply, {@link StepProtocol}). A request is answered with the next command
 * only when the server has one ({@link #begin}), so a task waits for its next command inside its
 * request. Every state change happens holding the server's lock, and wakes it up.
 */
final class StepPeers extends RpcHandler {
  private static final Logger LOG = LoggerFactory.getLogger(StepPeers.class);

  private final Object lock;
  private final StepServer server;
  private final StepPeer[] peers;
  private final byte[] token;
  private final StreamManager streams = new OneForOneStreamManager();
  // The payload bytes and messages in and out, for StepTraffic (counted on the transport's
  // threads).
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  private final LongAdder messagesIn = new LongAdder();
  private final LongAdder messagesOut = new LongAdder();
  // Of the messages in, those a task in this JVM delivered in memory (receiveInProcess).
  private final LongAdder deliveredInMemory = new LongAdder();
  private ByteBuffer command;
  private ByteBuffer headerOnly;
  private float[] weights;
  private float[] buffers;
  private final StepRounds rounds = new StepRounds();
  private int op;
  private int epoch;
  private int step;
  private boolean commandReady;
  private boolean exchanging;
  private boolean stopped;
  // The reduction tree (StepTree): wanted by the fit, formed (every task told its parent), and why
  // it broke (a task lost or run again: the tree does not heal), or null.
  private final boolean treeWanted;
  private boolean tree;
  private String treeBroken;

  /**
   * @param token the token a hello must present, or null where Spark authenticates connections
   */
  StepPeers(StepServer server, int partitions, byte[] token, boolean treeWanted) {
    this.treeWanted = treeWanted;
    this.lock = server;
    this.server = server;
    this.peers = new StepPeer[partitions];
    this.token = token;
  }

  /** Payload bytes in, bytes out, messages in, messages out, since the channel opened. */
  long[] traffic() {
    return new long[] {bytesIn.sum(), bytesOut.sum(), messagesIn.sum(), messagesOut.sum()};
  }

  /** Of the messages in since the channel opened, those delivered in memory. */
  long deliveredInMemory() {
    return deliveredInMemory.sum();
  }

  /** Answers a request with {@code message}, counting it. */
  private void answer(RpcResponseCallback cb, ByteBuffer message) {
    bytesOut.add(message.remaining());
    messagesOut.increment();
    cb.onSuccess(message);
  }

  StepPeer get(int partition) {
    return peers[partition];
  }

  boolean allConnected() {
    for (StepPeer c : peers) {
      if (c == null) {
        return false;
      }
    }
    return true;
  }

  /** Whether steps go through the reduction tree. */
  boolean tree() {
    return tree;
  }

  /** Why the reduction tree broke, or null. */
  String treeBroken() {
    return treeBroken;
  }

  boolean allDone() {
    if (tree) {
      return peers[0] != null && peers[0].done;
    }
    for (StepPeer c : peers) {
      if (c == null || !c.done) {
        return false;
      }
    }
    return true;
  }

  /** Starts an exchange: every connected task waiting for a command is sent this one. */
  void begin(int op, int epoch, int step, float[] weights, float[] buffers) {
    this.op = op;
    this.epoch = epoch;
    this.step = step;
    this.weights = weights;
    this.buffers = buffers;
    rounds.clear();
    commandReady = false;
    exchanging = true;
    if (!tree && treeWanted) {
      formTree();
    }
    if (tree) {
      peers[0].done = false;
      send(peers[0]);
      return;
    }
    for (StepPeer c : peers) {
      if (c != null) {
        c.done = false;
        send(c);
      }
    }
  }

  /**
   * Tells every task its parent in the reduction tree, where 3 or more partitions all send their
   * arrays through their connections (with 1 or 2 the star sends no more bytes) and all wait for a
   * command; the non-root tasks ask their parents from then on, the root the driver.
   */
  private void formTree() {
    if (peers.length < 3) {
      return;
    }
    for (StepPeer c : peers) {
      if (c == null || c.inProcess || c.treePort == 0 || c.pending == null) {
        return;
      }
    }
    tree = true;
    for (StepPeer c : peers) {
      int parent = c.partition == 0 ? -1 : StepTree.parent(c.partition);
      ByteBuffer join =
          parent < 0
              ? StepProtocol.tree(peers.length, "", 0)
              : StepProtocol.tree(peers.length, peers[parent].host, peers[parent].treePort);
      RpcResponseCallback cb = c.pending;
      c.pending = null;
      answer(cb, join);
    }
    LOG.info("step channel: {} partitions sum through a reduction tree", peers.length);
  }

  void end() {
    exchanging = false;
  }

  /**
   * Answers every waiting task with a stop; returns their connections, which the tasks close on
   * reading it, or null if already stopped.
   */
  List<TransportClient> stop() {
    if (stopped) {
      return null;
    }
    stopped = true;
    weights = null;
    List<TransportClient> told = new ArrayList<>();
    for (int p = 0; p < peers.length; p++) {
      StepPeer c = peers[p];
      if (c != null && c.pending != null) {
        answer(c.pending, StepServer.stop());
        c.pending = null;
        told.add(c.client);
      }
      if (c != null && c.roundPending != null) {
        answer(c.roundPending, StepServer.stop());
        c.roundPending = null;
        told.add(c.client);
      }
      peers[p] = null;
    }
    return told;
  }

  private void send(StepPeer c) {
    if (c.pending == null) {
      return; // still sending its reply to an earlier command; it is sent this one on arrival
    }
    RpcResponseCallback cb = c.pending;
    c.pending = null;
    c.gradLength = 0;
    c.roundPending = null;
    answer(cb, (c.inProcess ? header() : fullCommand()).duplicate());
  }

  private ByteBuffer header() {
    headerOnly = StepProtocol.command(headerOnly, op, epoch, step, null, buffers);
    return headerOnly;
  }

  /**
   * The command with the weights in it, for tasks in other JVMs; filled at most once a step, and
   * only when such a task is connected (in local mode none is).
   */
  private ByteBuffer fullCommand() {
    if (!commandReady) {
      command = StepProtocol.command(command, op, epoch, step, weights, buffers);
      commandReady = true;
    }
    return command;
  }

  /**
   * A request of task attempt {@code attempt} of {@code partition}, a task in this JVM whose hello
   * came through its connection, handed over in memory ({@link StepHandOver#deliver}) on the task's
   * own thread: handled as if it had come through that connection, and answered through {@code
   * callback} on whichever thread answers it. It saves the transport's threads, four thread
   * hand-offs a step (docs/PERFORMANCE.md).
   */
  void receiveInProcess(
      int partition, long attempt, ByteBuffer message, RpcResponseCallback callback) {
    StepPeer c;
    synchronized (lock) {
      c = partition >= 0 && partition < peers.length ? peers[partition] : null;
    }
    if (c == null || c.attempt != attempt || !c.inProcess) {
      callback.onFailure(
          new IOException(
              "step channel: partition "
                  + partition
                  + " has no task attempt "
                  + attempt
                  + " connected in this JVM"));
      return;
    }
    deliveredInMemory.increment();
    receive(c.client, message, callback);
  }

  @Override
  public void receive(TransportClient client, ByteBuffer message, RpcResponseCallback callback) {
    ByteBuffer in = StepProtocol.littleEndian(message);
    bytesIn.add(in.remaining());
    messagesIn.increment();
    try {
      int kind = in.remaining() >= 4 ? in.getInt() : -1;
      if (kind == StepProtocol.HELLO) {
        hello(client, in, callback);
      } else if (kind == StepProtocol.REPLY) {
        reply(client, in, callback);
      } else if (kind == StepProtocol.SUMS) {
        sums(client, in, callback);
      } else if (kind == StepProtocol.ROUND && in.remaining() >= StepProtocol.ROUND_HEADER - 4) {
        round(client, in, callback);
      } else {
        throw new IOException("not a step channel message");
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "step channel: refused a message from {}: {}", client.getSocketAddress(), e.toString());
      callback.onFailure(e);
      client.close();
    }
  }

  private void hello(TransportClient client, ByteBuffer in, RpcResponseCallback cb)
      throws IOException {
    StepMessages.Hello h = StepMessages.hello(in, token);
    int partition = h.partition();
    long attempt = h.attempt();
    if (partition < 0 || partition >= peers.length) {
      throw new IOException("not a task of this fit (partition " + partition + ")");
    }
    synchronized (lock) {
      if (stopped) {
        answer(cb, StepServer.stop());
        return;
      }
      StepPeer old = peers[partition];
      if (tree) {
        treeBroken = "partition " + partition + " connected again (task attempt " + attempt + ")";
        lock.notifyAll();
        throw new IOException("the reduction tree cannot take a new task: " + treeBroken);
      }
      if (old != null) {
        LOG.info(
            "step channel: partition {} reconnected (task attempt {}); replacing its old link",
            partition,
            attempt);
        old.client.close();
      } else {
        LOG.debug("step channel: partition {} connected (task attempt {})", partition, attempt);
      }
      StepPeer c = new StepPeer(partition, attempt, h.inProcess(), client);
      c.treePort = h.port();
      c.host =
          client.getSocketAddress() instanceof java.net.InetSocketAddress a
              ? a.getAddress().getHostAddress()
              : "127.0.0.1";
      c.pending = cb;
      peers[partition] = c;
      if (exchanging) {
        send(c);
      }
      lock.notifyAll();
    }
  }

  private void reply(TransportClient client, ByteBuffer in, RpcResponseCallback cb)
      throws IOException {
    StepPeer c;
    synchronized (lock) {
      c = peerOf(client);
      if (stopped) {
        answer(cb, StepServer.stop());
        return;
      }
      if (c == null || c.pending != null || c.done) {
        throw new IOException("a reply nobody asked for");
      }
    }
    StepMessages.Header h = StepMessages.header(in);
    int n = h.n();
    if (n == StepProtocol.IN_PROCESS ? !c.inProcess : n < 0) {
      throw new IOException("a reply with " + n + " values");
    }
    // Copied here, on the connection's own thread, outside the lock: partitions copy in parallel.
    if (n > 0) {
      c.grad = StepMessages.floats(in, n, c.grad, "a gradient");
    }
    c.buffers = StepMessages.lastFloats(in, c.buffers, "buffers");
    synchronized (lock) {
      if (peers[c.partition] != c) {
        return; // replaced by a new attempt meanwhile
      }
      c.lossSum = h.lossSum();
      c.weightSum = h.weightSum();
      c.metricSum = h.metricSum();
      c.count = h.count();
      c.times = h.times();
      c.gradLength = n;
      c.done = true;
      c.pending = cb;
      answerRound();
      lock.notifyAll();
    }
  }

  /** The root's sums of the reduction tree, or its message that it joined the tree. */
  private void sums(TransportClient client, ByteBuffer in, RpcResponseCallback cb)
      throws IOException {
    StepPeer c = peers[0];
    synchronized (lock) {
      if (stopped) {
        answer(cb, StepServer.stop());
        return;
      }
      if (!tree || c == null || c.client != client || c.pending != null || c.done) {
        throw new IOException("sums nobody asked for");
      }
    }
    StepMessages.Header h = StepMessages.header(in);
    double[] sums = StepMessages.doubles(in, h.n());
    c.buffers = StepMessages.lastFloats(in, c.buffers, "buffers");
    synchronized (lock) {
      c.pending = cb;
      if (h.op() == StepProtocol.TREE) {
        if (exchanging) {
          send(c); // joined: the step that formed the tree starts now
        }
        return;
      }
      c.lossSum = h.lossSum();
      c.weightSum = h.weightSum();
      c.metricSum = h.metricSum();
      c.count = h.count();
      c.times = h.times();
      c.sums = sums;
      c.gradLength = sums.length;
      c.done = true;
      lock.notifyAll();
    }
  }

  /** The peer whose connection is {@code client}, or null; the caller holds the lock. */
  private StepPeer peerOf(TransportClient client) {
    StepPeer c = null;
    for (StepPeer p : peers) {
      if (p != null && p.client == client) {
        c = p;
      }
    }
    return c;
  }

  /** A task's values for a round of its step ({@link StepReducer}), answered with their sums. */
  private void round(TransportClient client, ByteBuffer in, RpcResponseCallback cb)
      throws IOException {
    StepPeer c;
    synchronized (lock) {
      c = peerOf(client);
      if (stopped) {
        answer(cb, StepServer.stop());
        return;
      }
      if (c == null || c.pending != null || c.done || c.roundPending != null) {
        throw new IOException("a round outside a step");
      }
    }
    long round = in.getLong();
    float[] values = StepMessages.lastFloats(in, null, "a round");
    synchronized (lock) {
      if (peers[c.partition] != c) {
        return; // replaced by a new attempt meanwhile
      }
      float[] known = rounds.answered(round);
      if (known != null) {
        answer(cb, StepProtocol.sum(known)); // a new attempt catching up
        return;
      }
      c.round = round;
      c.partial = values;
      c.roundPending = cb;
      answerRound();
    }
  }

  /** Answers the earliest round the tasks wait in, once it is complete ({@link StepRounds}). */
  private void answerRound() {
    rounds.answerEarliest(peers, this::answer);
  }

  @Override
  public void channelInactive(TransportClient client) {
    synchronized (lock) {
      for (int p = 0; p < peers.length; p++) {
        if (peers[p] != null && peers[p].client == client) {
          if (tree && !stopped) {
            treeBroken = "partition " + p + "'s connection closed";
          }
          peers[p] = null;
          server.lost(p, "its connection closed");
          lock.notifyAll();
        }
      }
    }
  }

  @Override
  public StreamManager getStreamManager() {
    return streams;
  }
}
