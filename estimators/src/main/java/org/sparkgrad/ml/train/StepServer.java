package org.sparkgrad.ml.train;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver side of the step channel, with no Spark in it: a socket server that the fit's tasks
 * (one {@link StepWorker} per partition) connect to, and through which each synchronous step sends
 * the weights to every partition and sums the gradients they send back, in partition order, in
 * double precision. It replaces a Spark job per step (tens of milliseconds) with two socket
 * messages per partition.
 *
 * <p>Everything runs on the calling thread with a {@link Selector}, so a partition that never
 * answers cannot block a write or a read forever. A partition whose connection breaks (its task was
 * killed, its executor lost) is waited for: when Spark runs the task again, the new attempt
 * connects, replaces the old connection and is sent the same command, so the step's result is what
 * it would have been without the failure. A partition that stays away longer than the wait given at
 * construction, or a task job that ended, makes {@link #step} throw {@link ChannelLost}, and the
 * caller goes back to one Spark job per step.
 *
 * <p>Only connections that present the fit's random token are accepted. Tasks that run in this JVM
 * (Spark's local mode) find the server by that token and exchange the arrays in memory; the socket
 * then carries only the headers.
 */
final class StepServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StepServer.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long TICK_MS = 100;
  private static final Map<String, StepServer> IN_THIS_JVM = new ConcurrentHashMap<>();

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

  private final ServerSocketChannel server;
  private final Selector selector;
  private final byte[] token = new byte[StepProtocol.TOKEN_BYTES];
  private final Conn[] conns;
  private final AtomicReferenceArray<Handed> handed;
  private volatile float[] published;
  private final ByteBuffer headerOnly = StepProtocol.buffer(StepProtocol.COMMAND_HEADER);
  private int stepOp;
  private int stepEpoch;
  private int stepIndex;
  private boolean commandReady;
  private final long[] lostSince;
  private final long waitNanos;
  private ByteBuffer command;
  // Each remote partition's gradient as read from its socket, reused from step to step.
  private final float[][] received;
  private boolean exchanging;

  /**
   * A server on {@code bind} (an ephemeral port) for {@code partitions} partitions.
   *
   * @param wait how long a partition may be without a connection before the channel is lost
   */
  StepServer(InetAddress bind, int partitions, Duration wait) throws IOException {
    RANDOM.nextBytes(token);
    this.conns = new Conn[partitions];
    this.received = new float[partitions][];
    this.handed = new AtomicReferenceArray<>(partitions);
    this.lostSince = new long[partitions];
    this.waitNanos = wait.toNanos();
    this.selector = Selector.open();
    try {
      this.server = ServerSocketChannel.open();
      server.bind(new InetSocketAddress(bind, 0), partitions * 2);
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException e) {
      selector.close();
      throw e;
    }
    Arrays.fill(lostSince, System.nanoTime());
    IN_THIS_JVM.put(HexFormat.of().formatHex(token), this);
  }

  /**
   * A gradient handed over in memory by the task attempt {@code attempt}: arrays that, end to end,
   * are the flat gradient.
   */
  private static final class Handed {
    private final long attempt;
    private final float[][] grad;

    Handed(long attempt, float[][] grad) {
      this.attempt = attempt;
      this.grad = grad;
    }

    long attempt() {
      return attempt;
    }

    float[][] grad() {
      return grad;
    }

    int length() {
      int n = 0;
      for (float[] g : grad) {
        n += g.length;
      }
      return n;
    }
  }

  /** The server of the fit with {@code token} if it runs in this JVM, else null. */
  static StepServer inThisJvm(byte[] token) {
    return IN_THIS_JVM.get(HexFormat.of().formatHex(token));
  }

  /** The weights of the current step, for a task in this JVM (not to be modified). */
  float[] published() {
    return published;
  }

  /**
   * Hands over partition {@code partition}'s gradient in memory: arrays that end to end are the
   * flat gradient, read (not copied) before the task's next command.
   */
  void handOver(int partition, long attempt, float[][] grad) {
    handed.set(partition, new Handed(attempt, grad));
  }

  /** The port the server listens on. */
  int port() {
    return server.socket().getLocalPort();
  }

  /** The token a worker must present (a copy). */
  byte[] token() {
    return token.clone();
  }

  /** Waits until every partition is connected. */
  void awaitConnected(Tasks tasks) throws ChannelLost {
    exchanging = false;
    while (!allConnected()) {
      poll(tasks);
    }
  }

  /**
   * One synchronous step: sends {@code weights} with minibatch {@code step} of {@code epoch} to
   * every partition and returns the sums of their replies. The result's gradient is the partitions'
   * own arrays, unsummed ({@link StepResult#ofUnsummed}): they are reused by the next call.
   */
  StepResult step(float[] weights, int epoch, int step, Tasks tasks) throws ChannelLost {
    return exchange(StepProtocol.STEP, weights, epoch, step, tasks);
  }

  /**
   * The loss and metric sums over every partition's validation rows under {@code weights}, summed
   * in partition order.
   */
  StepResult evaluate(float[] weights, Tasks tasks) throws ChannelLost {
    return exchange(StepProtocol.EVALUATE, weights, -1, -1, tasks);
  }

  private StepResult exchange(int op, float[] weights, int epoch, int step, Tasks tasks)
      throws ChannelLost {
    int n = weights.length;
    headerOnly.clear();
    headerOnly.putInt(op).putInt(epoch).putInt(step);
    headerOnly.putInt(StepProtocol.IN_PROCESS).flip();
    published = weights;
    stepOp = op;
    stepEpoch = epoch;
    stepIndex = step;
    commandReady = false;
    exchanging = true;
    for (Conn c : conns) {
      if (c != null) {
        c.send();
      }
    }
    while (!allDone()) {
      poll(tasks);
    }
    exchanging = false;
    return collect(n);
  }

  /**
   * The command with the weights in it, for tasks in other JVMs; filled at most once a step, and
   * only when such a task is connected (in local mode none is).
   */
  private ByteBuffer fullCommand() {
    float[] weights = published;
    int n = weights.length;
    if (!commandReady) {
      if (command == null || command.capacity() != StepProtocol.COMMAND_HEADER + 4 * n) {
        command = StepProtocol.buffer(StepProtocol.COMMAND_HEADER + 4 * n);
      }
      command.clear();
      command.putInt(stepOp).putInt(stepEpoch).putInt(stepIndex).putInt(n);
      command.asFloatBuffer().put(weights);
      command.position(command.limit());
      command.flip();
      commandReady = true;
    }
    return command;
  }

  private StepResult collect(int n) {
    List<Object> parts = new ArrayList<>(conns.length);
    double loss = 0;
    double weight = 0;
    double metric = 0;
    long count = 0;
    for (Conn c : conns) {
      loss += c.lossSum;
      weight += c.weightSum;
      metric += c.metricSum;
      count += c.count;
      if (c.gradLength == StepProtocol.IN_PROCESS) {
        Handed h = handed.getAndSet(c.partition, null);
        if (h == null || h.attempt() != c.attempt || h.length() != n) {
          throw new IllegalStateException(
              "step channel: partition "
                  + c.partition
                  + " said it handed a gradient over, but not this one");
        }
        float[][] g = h.grad();
        // one array of every weight (a replica off the CPU hands its gradient over flat)
        parts.add(g.length == 1 && g[0].length == n ? g[0] : g);
      } else if (c.gradLength > 0) {
        if (c.gradLength != n) {
          throw new IllegalStateException(
              "step channel: a gradient of " + c.gradLength + " values for " + n + " weights");
        }
        float[] into = received[c.partition];
        if (into == null || into.length != n) {
          into = new float[n];
          received[c.partition] = into;
        }
        c.grad.flip();
        c.grad.asFloatBuffer().get(into, 0, n);
        parts.add(into);
      }
    }
    // Summed by the trainer in one pass with the scaling (StepResult.writeScaledInto).
    return StepResult.ofUnsummed(parts.toArray(), loss, weight, metric, count);
  }

  /** One turn of the event loop; throws if the channel cannot go on. */
  private void poll(Tasks tasks) throws ChannelLost {
    try {
      selector.select(TICK_MS);
    } catch (IOException e) {
      throw new ChannelLost("step channel: the selector failed: " + e, e);
    }
    for (SelectionKey key : selector.selectedKeys()) {
      if (!key.isValid()) {
        continue;
      }
      if (key.isAcceptable()) {
        accept();
      } else if (key.attachment() instanceof Hello h) {
        h.read(key);
      } else if (key.attachment() instanceof Conn c) {
        c.ready(key);
      }
    }
    selector.selectedKeys().clear();
    Throwable ended = tasks.ended();
    if (ended != null) {
      throw new ChannelLost("step channel: the tasks' job ended: " + ended, ended);
    }
    long now = System.nanoTime();
    for (int p = 0; p < conns.length; p++) {
      if (conns[p] == null && now - lostSince[p] > waitNanos) {
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

  private void accept() {
    try {
      SocketChannel ch = server.accept();
      if (ch != null) {
        ch.configureBlocking(false);
        ch.socket().setTcpNoDelay(true);
        ch.register(selector, SelectionKey.OP_READ, new Hello(ch));
      }
    } catch (IOException e) {
      LOG.warn("step channel: accepting a connection failed: {}", e.toString());
    }
  }

  private void adopt(
      int partition, long attempt, boolean inProcess, SocketChannel ch, SelectionKey key) {
    Conn old = conns[partition];
    if (old != null) {
      LOG.info(
          "step channel: partition {} reconnected (task attempt {}); replacing its old connection",
          partition,
          attempt);
      old.close();
    } else {
      LOG.debug("step channel: partition {} connected (task attempt {})", partition, attempt);
    }
    Conn c = new Conn(partition, attempt, inProcess, ch, key);
    conns[partition] = c;
    if (exchanging) {
      c.send();
    }
  }

  private void lose(Conn c, IOException e) {
    if (conns[c.partition] == c) {
      LOG.warn(
          "step channel: lost partition {} ({}); waiting for Spark to run its task again",
          c.partition,
          e.toString());
      conns[c.partition] = null;
      lostSince[c.partition] = System.nanoTime();
    }
    c.close();
  }

  /** Whether every partition has a task connected now. */
  boolean allConnected() {
    for (Conn c : conns) {
      if (c == null) {
        return false;
      }
    }
    return true;
  }

  private boolean allDone() {
    for (Conn c : conns) {
      if (c == null || !c.done) {
        return false;
      }
    }
    return true;
  }

  /** Tells every connected task to stop, then closes the server; idempotent. */
  @Override
  public void close() {
    if (!selector.isOpen()) {
      return;
    }
    IN_THIS_JVM.remove(HexFormat.of().formatHex(token));
    published = null;
    ByteBuffer stop = StepProtocol.buffer(StepProtocol.COMMAND_HEADER);
    stop.putInt(StepProtocol.STOP).putInt(0).putInt(0).putInt(0).flip();
    for (int p = 0; p < conns.length; p++) {
      Conn c = conns[p];
      if (c != null) {
        try {
          c.ch.write(stop.duplicate()); // 16 bytes fit any socket buffer
        } catch (IOException e) {
          LOG.debug("step channel: partition {} was gone at stop: {}", p, e.toString());
        }
        c.close();
        conns[p] = null;
      }
    }
    for (SelectionKey k : selector.keys()) {
      try {
        k.channel().close();
      } catch (IOException e) {
        LOG.debug("step channel: closing a channel: {}", e.toString());
      }
    }
    try {
      selector.close();
      server.close();
    } catch (IOException e) {
      LOG.debug("step channel: closing the server: {}", e.toString());
    }
  }

  /** A connection that has not yet said which partition it serves. */
  private final class Hello {
    private final SocketChannel ch;
    private final ByteBuffer in = StepProtocol.buffer(StepProtocol.HELLO_BYTES);

    Hello(SocketChannel ch) {
      this.ch = ch;
    }

    void read(SelectionKey key) {
      try {
        if (ch.read(in) < 0) {
          throw new IOException("closed before its hello");
        }
        if (in.hasRemaining()) {
          return;
        }
        in.flip();
        byte[] presented = new byte[StepProtocol.TOKEN_BYTES];
        int magic = in.getInt();
        in.get(presented);
        int partition = in.getInt();
        long attempt = in.getLong();
        boolean inProcess = in.getInt() == 1;
        if (magic != StepProtocol.MAGIC
            || !java.security.MessageDigest.isEqual(presented, token)
            || partition < 0
            || partition >= conns.length) {
          throw new IOException("not a task of this fit (partition " + partition + ")");
        }
        adopt(partition, attempt, inProcess, ch, key);
      } catch (IOException e) {
        LOG.warn("step channel: refused a connection from a task: {}", e.toString());
        key.cancel();
        try {
          ch.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
    }
  }

  /** One partition's connection and the state of the current exchange with it. */
  private final class Conn {
    final int partition;
    final long attempt;
    final boolean inProcess;
    final SocketChannel ch;
    final SelectionKey key;
    final ByteBuffer head = StepProtocol.buffer(StepProtocol.REPLY_HEADER);
    ByteBuffer out;
    ByteBuffer grad;
    boolean done;
    boolean awaiting;
    double lossSum;
    double weightSum;
    double metricSum;
    long count;
    int gradLength = -1;

    Conn(int partition, long attempt, boolean inProcess, SocketChannel ch, SelectionKey key) {
      this.partition = partition;
      this.attempt = attempt;
      this.inProcess = inProcess;
      this.ch = ch;
      this.key = key;
      key.attach(this);
    }

    void send() {
      out = (inProcess ? headerOnly : fullCommand()).duplicate();
      done = false;
      awaiting = true;
      gradLength = 0;
      head.clear();
      key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
    }

    void ready(SelectionKey k) {
      try {
        if (k.isWritable() && out != null) {
          ch.write(out);
          if (!out.hasRemaining()) {
            out = null;
            k.interestOps(SelectionKey.OP_READ);
          }
        }
        if (k.isReadable()) {
          receive();
        }
      } catch (IOException e) {
        lose(this, e);
      }
    }

    private void receive() throws IOException {
      if (!awaiting) {
        ByteBuffer probe = ByteBuffer.allocate(1);
        if (ch.read(probe) != 0) { // a close, or bytes nobody asked for
          throw new IOException("connection closed or out of step");
        }
        return;
      }
      if (head.hasRemaining()) {
        if (ch.read(head) < 0) {
          throw new IOException("connection closed");
        }
        if (head.hasRemaining()) {
          return;
        }
        head.flip();
        head.getInt();
        lossSum = head.getDouble();
        weightSum = head.getDouble();
        metricSum = head.getDouble();
        count = head.getLong();
        gradLength = head.getInt();
        if (gradLength == StepProtocol.IN_PROCESS) {
          done = true;
          awaiting = false;
          return;
        }
        if (gradLength < 0) {
          throw new IOException("a reply with " + gradLength + " values");
        }
        if (grad == null || grad.capacity() < 4 * gradLength) {
          grad = StepProtocol.buffer(4 * Math.max(gradLength, 1));
        }
        grad.clear().limit(4 * gradLength);
      }
      if (grad.hasRemaining() && ch.read(grad) < 0) {
        throw new IOException("connection closed");
      }
      if (!grad.hasRemaining()) {
        done = true;
        awaiting = false;
      }
    }

    void close() {
      key.cancel();
      try {
        ch.close();
      } catch (IOException e) {
        LOG.debug("step channel: closing partition {}: {}", partition, e.toString());
      }
    }
  }
}
