package org.sparkgrad.ml.spark;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.server.OneForOneStreamManager;
import org.apache.spark.network.server.RpcHandler;
import org.apache.spark.network.server.StreamManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.ml.train.StepResult;

/**
 * A task's end of its links to its children in the step channel's reduction tree ({@link
 * StepTree}): the handler of the server each task opens for its children, which ask it as it asks
 * its parent. A child's hello, then each of its subtree's sums ({@link StepProtocol#SUMS}), is
 * answered with the next command this task was sent ({@link #forward}), so the weights travel down
 * the tree and the sums up it, one message each way per link and step.
 *
 * <p>A child may say hello before this task has been told its place in the tree (the driver tells
 * the tasks one after another, and a child may reach its parent first): its hello is held until
 * {@link #join}, which takes it as a child or refuses it.
 *
 * <p>The tree does not heal: a child that reconnects (Spark ran its task again) or whose link
 * breaks makes this task stop waiting ({@link #forward} and {@link #collect} throw), and the
 * driver, which sees the same task's own connection break, gives the channel up for one Spark job
 * per step.
 */
final class StepRelay extends RpcHandler {
  private static final Logger LOG = LoggerFactory.getLogger(StepRelay.class);
  private static final long TICK_MS = 100;

  private final byte[] token;
  private final StreamManager streams = new OneForOneStreamManager();
  private int[] children = new int[0];
  private Child[] links = new Child[0];
  private boolean joined;
  // Hellos that came before join, by partition, in arrival order.
  private final Map<Integer, Child> early = new LinkedHashMap<>();
  private String broken;

  /** A child's link and what it sent up last. */
  static final class Child {
    final TransportClient client;
    RpcResponseCallback pending;
    boolean done;
    StepResult result;
    double[] sums;
    StepTraffic.TaskTimes times;

    Child(TransportClient client, RpcResponseCallback pending) {
      this.client = client;
      this.pending = pending;
    }
  }

  /**
   * @param token the token a child's hello must present, or null where Spark authenticates
   */
  StepRelay(byte[] token) {
    this.token = token;
  }

  /**
   * Expects the children of {@code partition} among {@code partitions} partitions, taking those
   * that said hello already and refusing any other early hello.
   */
  synchronized void join(int partition, int partitions) {
    children = StepTree.children(partition, partitions);
    links = new Child[children.length];
    joined = true;
    for (Map.Entry<Integer, Child> e : early.entrySet()) {
      int i = position(e.getKey());
      if (i >= 0) {
        links[i] = e.getValue();
      } else {
        refuse(e.getValue(), new IOException(notAChild(e.getKey())));
      }
    }
    early.clear();
    notifyAll();
  }

  private static void refuse(Child c, IOException why) {
    LOG.warn("step channel: a tree node refused a message: {}", why.toString());
    c.pending.onFailure(why);
    c.client.close();
  }

  /**
   * Waits until every child waits for a command, then answers each with {@code command}.
   *
   * @param upstream whether this task's own link up is still there (else the wait ends)
   */
  synchronized void forward(ByteBuffer command, BooleanSupplier upstream) throws IOException {
    for (int i = 0; i < links.length; i++) {
      while (links[i] == null || links[i].pending == null) {
        tick(upstream);
      }
    }
    for (Child c : links) {
      RpcResponseCallback cb = c.pending;
      c.pending = null;
      c.done = false;
      cb.onSuccess(command.duplicate());
    }
  }

  /** Waits until every child has sent its subtree's sums for the command forwarded last. */
  synchronized Child[] collect(BooleanSupplier upstream) throws IOException {
    for (Child c : links) {
      while (!c.done) {
        tick(upstream);
      }
    }
    return links.clone();
  }

  /** Answers every waiting child with a stop. */
  synchronized void stop() {
    for (Child c : links) {
      if (c != null && c.pending != null) {
        c.pending.onSuccess(StepServer.stop());
        c.pending = null;
      }
    }
    for (Child c : early.values()) {
      c.pending.onSuccess(StepServer.stop());
    }
    early.clear();
  }

  @SuppressWarnings("WaitNotInLoop") // the callers loop on their condition
  private void tick(BooleanSupplier upstream) throws IOException {
    if (broken != null) {
      throw new IOException("step channel: the reduction tree broke: " + broken);
    }
    if (!upstream.getAsBoolean()) {
      throw new IOException("step channel: the link to the parent closed");
    }
    try {
      wait(TICK_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("step channel: interrupted while waiting for children");
    }
  }

  @Override
  public void receive(TransportClient client, ByteBuffer message, RpcResponseCallback callback) {
    ByteBuffer in = StepProtocol.littleEndian(message);
    try {
      int kind = in.remaining() >= 4 ? in.getInt() : -1;
      if (kind == StepProtocol.HELLO) {
        hello(client, in, callback);
      } else if (kind == StepProtocol.SUMS) {
        sums(client, in, callback);
      } else {
        throw new IOException("not a step channel message for a tree node");
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("step channel: a tree node refused a message: {}", e.toString());
      callback.onFailure(e);
      client.close();
    }
  }

  private void hello(TransportClient client, ByteBuffer in, RpcResponseCallback cb)
      throws IOException {
    int partition = StepMessages.hello(in, token).partition();
    synchronized (this) {
      if (!joined) {
        if (early.containsKey(partition)) {
          broken = "child partition " + partition + " connected again";
          notifyAll();
          throw new IOException(broken);
        }
        early.put(partition, new Child(client, cb));
        return;
      }
      int i = position(partition);
      if (i < 0) {
        throw new IOException(notAChild(partition));
      }
      if (links[i] != null) {
        broken = "child partition " + partition + " connected again";
        notifyAll();
        throw new IOException(broken);
      }
      links[i] = new Child(client, cb);
      notifyAll();
    }
  }

  /** Where {@code partition} is among this node's children, or -1. */
  private int position(int partition) {
    for (int i = 0; i < children.length; i++) {
      if (children[i] == partition) {
        return i;
      }
    }
    return -1;
  }

  private static String notAChild(int partition) {
    return "partition " + partition + " is not a child of this tree node";
  }

  private void sums(TransportClient client, ByteBuffer in, RpcResponseCallback cb)
      throws IOException {
    StepMessages.Header h = StepMessages.header(in);
    double[] sums = StepMessages.doubles(in, h.n());
    float[] buffers = StepMessages.lastFloats(in, null, "buffers");
    synchronized (this) {
      Child c = null;
      for (Child l : links) {
        if (l != null && l.client == client) {
          c = l;
        }
      }
      if (c == null || c.pending != null || c.done) {
        throw new IOException("sums nobody asked for");
      }
      c.result =
          new StepResult(h.lossSum(), h.weightSum(), h.metricSum(), h.count())
              .withBuffers(buffers.length == 0 ? null : buffers);
      c.sums = sums.length == 0 ? null : sums;
      c.times = h.times();
      c.done = true;
      c.pending = cb;
      notifyAll();
    }
  }

  @Override
  public void channelInactive(TransportClient client) {
    synchronized (this) {
      for (Child c : links) {
        if (c != null && c.client == client) {
          broken = "a child's link closed";
          notifyAll();
        }
      }
      if (early.values().removeIf(c -> c.client == client)) {
        broken = "a child's link closed";
        notifyAll();
      }
    }
  }

  @Override
  public StreamManager getStreamManager() {
    return streams;
  }
}
