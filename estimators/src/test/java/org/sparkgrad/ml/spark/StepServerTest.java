package org.sparkgrad.ml.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.server.NoOpRpcHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkgrad.ml.data.BlockBuilder;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.train.GradientStep;
import org.sparkgrad.ml.train.LocalGradientSource;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Objective;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.ml.train.RowIds;
import org.sparkgrad.ml.train.StepResult;
import org.sparkgrad.tensor.Generator;

/**
 * The step channel without Spark: a {@link StepServer} and {@link StepWorker} threads on loopback
 * sum what the in-memory source sums (in memory, in plain connections, and authenticated and
 * encrypted with a shared secret as Spark's {@code spark.authenticate} and {@code
 * spark.network.crypto.enabled} set them up), survive a worker replaced mid-fit, refuse strangers
 * and clients without the secret, move up a port range, and give up (instead of hanging) when a
 * partition stays away or the tasks' job ends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StepServerTest {
  private static final int D = 6;
  private static final StepServer.Tasks RUNNING = () -> null;
  private static final float[] NONE = new float[0];

  private final NetworkSpec spec = NetworkSpec.simple(D, new int[] {9}, "relu", 0, 3);
  private final List<PartitionData> parts = partitions(50, 23);
  private final GradientStep step =
      new GradientStep(spec, Objective.CROSS_ENTROPY, 5, 73, 16, true, "cpu");
  private final float[] weights = Replica.flatWeights(spec.build(5));
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicReference<Throwable> workerError = new AtomicReference<>();
  private StepServer server;
  private StepNetwork network = StepNetwork.plain();

  /** A server for 2 partitions on loopback, any port, on {@link #network}. */
  private StepServer server(Duration wait) {
    return new StepServer(network, "127.0.0.1", 0, 0, 2, wait);
  }

  /** 73 rows in partitions of the given sizes, with row ids, and 7 validation rows in each. */
  static List<PartitionData> partitions(int... sizes) {
    Generator g = new Generator(3);
    List<PartitionData> out = new ArrayList<>();
    for (int p = 0; p < sizes.length; p++) {
      out.add(new PartitionData(p, block(g, sizes[p]), block(g, 7)));
    }
    return RowIds.assign(out);
  }

  private static org.sparkgrad.ml.data.DataBlock block(Generator g, int rows) {
    BlockBuilder b = new BlockBuilder(D, 1, false);
    for (int i = 0; i < rows; i++) {
      float[] x = new float[D];
      for (int j = 0; j < D; j++) {
        x[j] = (float) g.nextGaussian();
      }
      b.add(x, new float[] {i % 3}, 1f);
    }
    return b.build();
  }

  private Thread worker(int partition) {
    return worker(partition, true);
  }

  /** A worker thread for {@code partition}; {@code inProcess} false sends arrays by socket. */
  private Thread worker(int partition, boolean inProcess) {
    byte[] token = server.token();
    int port = server.port();
    Thread t =
        new Thread(
            () -> {
              try {
                StepWorker.serve(
                    network,
                    "127.0.0.1",
                    port,
                    token,
                    partition,
                    partition,
                    parts.get(partition),
                    step,
                    inProcess);
              } catch (IOException e) {
                if (!Thread.currentThread().isInterrupted()) {
                  workerError.compareAndSet(null, e);
                }
              }
            },
            "worker-" + partition);
    t.setDaemon(true);
    t.start();
    workers.add(t);
    return t;
  }

  private void assertSameAsLocal(StepResult got, int epoch, int s) {
    StepResult want = new LocalGradientSource(parts, step).step(weights, NONE, epoch, s, 5, 1);
    assertThat(got.count()).isEqualTo(want.count()).isPositive();
    // The same float32 parts in the same (partition) order: the same sums, bit for bit.
    assertThat(got.lossSum()).isEqualTo(want.lossSum());
    assertThat(got.weightSum()).isEqualTo(want.weightSum());
    assertThat(got.metricSum()).isEqualTo(want.metricSum());
    double[] g = got.grad();
    double[] w = want.grad();
    assertThat(g).containsExactly(w);
    double norm = 0;
    for (double v : w) {
      norm += Math.abs(v);
    }
    assertThat(norm).as("a gradient that is not all zero").isGreaterThan(1e-3);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (server != null) {
      server.close();
    }
    for (Thread t : workers) {
      t.join(5000);
      assertThat(t.isAlive()).as("%s ended after the server closed", t.getName()).isFalse();
    }
  }

  @ParameterizedTest(name = "arrays in memory: {0}")
  @ValueSource(booleans = {true, false})
  void validationThroughTheChannelSumsWhatTheInMemorySourceSums(boolean inProcess)
      throws Exception {
    server = server(Duration.ofSeconds(20));
    worker(0, inProcess);
    worker(1, inProcess);
    server.awaitConnected(RUNNING);
    assertSameAsLocal(server.step(weights, NONE, 0, 0, RUNNING), 0, 0);
    StepResult got = server.evaluate(weights, NONE, RUNNING);
    StepResult want = new LocalGradientSource(parts, step).validate(weights, NONE);
    assertThat(got.count()).isEqualTo(want.count()).isEqualTo(14);
    assertThat(got.weightSum()).isEqualTo(want.weightSum());
    assertThat(got.lossSum()).isCloseTo(want.lossSum(), within(1e-9)).isPositive();
    assertThat(got.metricSum()).isCloseTo(want.metricSum(), within(1e-9));
    assertThat(got.hasGrad()).isFalse();
    // the channel goes on stepping after an evaluation
    assertSameAsLocal(server.step(weights, NONE, 0, 1, RUNNING), 0, 1);
  }

  @ParameterizedTest(name = "arrays in memory: {0}")
  @ValueSource(booleans = {true, false})
  void stepsThroughTheChannelSumWhatTheInMemorySourceSums(boolean inProcess) throws Exception {
    server = server(Duration.ofSeconds(20));
    worker(0, inProcess);
    worker(1, inProcess);
    server.awaitConnected(RUNNING);
    for (int s = 0; s < 5; s++) {
      assertSameAsLocal(server.step(weights, NONE, 1, s, RUNNING), 1, s);
    }
    // In the driver's JVM a task's replies skip the connection: only its hello crosses it.
    assertThat(server.deliveredInMemory()).isEqualTo(inProcess ? 2 * 5 : 0);
    server.close();
    for (Thread t : workers) {
      t.join(5000);
    }
    assertThat(workerError.get()).as("workers end quietly on stop").isNull();
  }

  @Test
  void aRequestInMemoryFromAnAttemptNotConnectedIsRefusedWithItsPartition() throws Exception {
    server = server(Duration.ofSeconds(20));
    worker(0);
    worker(1);
    server.awaitConnected(RUNNING);
    AtomicReference<Throwable> refused = new AtomicReference<>();
    StepHandOver.inThisJvm(server.port())
        .deliver(
            1,
            99,
            StepProtocol.round(0, new float[] {1f}),
            new org.apache.spark.network.client.RpcResponseCallback() {
              @Override
              public void onSuccess(ByteBuffer response) {
                refused.set(new AssertionError("answered"));
              }

              @Override
              public void onFailure(Throwable e) {
                refused.set(e);
              }
            });
    assertThat(refused.get())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("partition 1 has no task attempt 99");
    assertThat(server.deliveredInMemory()).isZero();
    // the connected attempts go on stepping
    assertSameAsLocal(server.step(weights, NONE, 0, 0, RUNNING), 0, 0);
  }

  @Test
  void aStepsTrafficCountsEveryPayloadByteAndMessageAtTheDriver() throws Exception {
    server = server(Duration.ofSeconds(20));
    worker(0, false);
    worker(1, false);
    server.awaitConnected(RUNNING);
    List<StepTraffic> heard = new ArrayList<>();
    StepTraffic.listen(heard::add);
    try {
      for (int s = 0; s < 3; s++) {
        server.step(weights, NONE, 0, s, RUNNING);
      }
      server.evaluate(weights, NONE, RUNNING); // not a step: not heard
    } finally {
      StepTraffic.listen(null);
    }
    int n = weights.length;
    assertThat(heard).hasSize(3);
    for (StepTraffic t : heard) {
      assertThat(t.partitions()).isEqualTo(2);
      assertThat(t.messagesIn()).isEqualTo(2);
      assertThat(t.messagesOut()).isEqualTo(2);
      assertThat(t.bytesIn()).isEqualTo(2L * (StepProtocol.REPLY_HEADER + 4 * n + 4));
      assertThat(t.bytesOut()).isEqualTo(2L * (StepProtocol.COMMAND_HEADER + 4 * n + 4));
      assertThat(t.waitNanos()).isPositive();
      assertThat(t.tasks().computeMax()).isPositive().isLessThanOrEqualTo(t.waitNanos());
      assertThat(t.tasks().computeSum()).isGreaterThanOrEqualTo(t.tasks().computeMax());
      assertThat(t.tasks().encodeMax()).isPositive();
      assertThat(t.tasks().encodeSum()).isGreaterThanOrEqualTo(t.tasks().encodeMax());
    }
    assertThat(heard.get(0).workNanos()).as("no step before the first").isZero();
    assertThat(heard.get(1).workNanos()).isPositive();
  }

  @ParameterizedTest(name = "arrays in memory: {0}")
  @ValueSource(booleans = {true, false})
  void aTaskRunAgainReplacesItsLostConnectionAndTheStepIsUnchanged(boolean inProcess)
      throws Exception {
    server = server(Duration.ofSeconds(20));
    worker(0, inProcess);
    Thread lost = worker(1, inProcess);
    server.awaitConnected(RUNNING);
    assertSameAsLocal(server.step(weights, NONE, 0, 0, RUNNING), 0, 0);
    lost.interrupt(); // closes its channel, as a killed task's would be
    lost.join(5000);
    assertThat(lost.isAlive()).isFalse();
    worker(1, !inProcess); // the task may run again elsewhere
    assertSameAsLocal(server.step(weights, NONE, 0, 1, RUNNING), 0, 1);
    assertSameAsLocal(server.step(weights, NONE, 0, 2, RUNNING), 0, 2);
  }

  @Test
  void aConnectionWithoutTheFitsTokenIsRefused() throws Exception {
    server = server(Duration.ofSeconds(20));
    try (TransportContext context = network.context(new NoOpRpcHandler());
        TransportClientFactory factory = context.createClientFactory(network.clientBootstraps())) {
      TransportClient stranger = factory.createUnmanagedClient("127.0.0.1", server.port());
      ByteBuffer hello = StepProtocol.hello(new byte[StepProtocol.TOKEN_BYTES], 0, 7, false, 0);
      assertThatThrownBy(() -> stranger.sendRpcSync(hello, 10_000))
          .hasMessageContaining("not a task of this fit");
      worker(0);
      worker(1);
      server.awaitConnected(RUNNING);
      assertSameAsLocal(server.step(weights, NONE, 0, 3, RUNNING), 0, 3);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (stranger.isActive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(stranger.isActive()).as("the stranger was hung up on").isFalse();
    }
  }

  @ParameterizedTest(name = "encrypted: {0}")
  @ValueSource(booleans = {true, false})
  void withSparksSecretTheArraysCrossTheAuthenticatedConnectionUnchanged(boolean encrypted)
      throws Exception {
    network = StepNetwork.withSecret("the application's secret", encrypted);
    assertThat(network.authenticates()).isTrue();
    assertThat(network.encrypts()).isEqualTo(encrypted);
    server = server(Duration.ofSeconds(20));
    assertThat(server.token()).as("no token travels where Spark authenticates").isNull();
    worker(0, false);
    worker(1, false);
    server.awaitConnected(RUNNING);
    for (int s = 0; s < 3; s++) {
      assertSameAsLocal(server.step(weights, NONE, 2, s, RUNNING), 2, s);
    }
    StepResult got = server.evaluate(weights, NONE, RUNNING);
    assertThat(got.count()).isEqualTo(14);
  }

  @Test
  void aClientWithoutSparksSecretIsRefusedAndTheStepsGoOn() throws Exception {
    network = StepNetwork.withSecret("the application's secret", true);
    server = server(Duration.ofSeconds(20));
    worker(0, false);
    worker(1, false);
    server.awaitConnected(RUNNING);
    assertSameAsLocal(server.step(weights, NONE, 0, 0, RUNNING), 0, 0);
    StepNetwork wrong = StepNetwork.withSecret("a guessed secret", true);
    try (TransportContext context = wrong.context(new NoOpRpcHandler());
        TransportClientFactory factory = context.createClientFactory(wrong.clientBootstraps())) {
      assertThatThrownBy(() -> factory.createUnmanagedClient("127.0.0.1", server.port()))
          .as("authentication with the wrong secret")
          .isInstanceOf(Exception.class);
    }
    StepNetwork none = StepNetwork.plain();
    try (TransportContext context = none.context(new NoOpRpcHandler());
        TransportClientFactory factory = context.createClientFactory(none.clientBootstraps())) {
      TransportClient plain = factory.createUnmanagedClient("127.0.0.1", server.port());
      ByteBuffer hello = StepProtocol.hello(null, 1, 99, false, 0);
      assertThatThrownBy(() -> plain.sendRpcSync(hello, 10_000))
          .as("a hello without authentication")
          .isInstanceOf(RuntimeException.class);
    }
    assertSameAsLocal(server.step(weights, NONE, 0, 1, RUNNING), 0, 1);
    assertThat(server.allConnected()).as("the fit's own tasks are still connected").isTrue();
  }

  @Test
  void aWorkerThatCannotReachTheDriverEndsQuietly() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    long start = System.nanoTime();
    StepWorker.serve(
        network, "127.0.0.1", closedPort, new byte[16], 0, 1, parts.get(0), step, false);
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(30));
  }

  @Test
  void aTakenPortMovesTheServerUpItsRangeAndAFullRangeIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int p = taken.getLocalPort();
      server = new StepServer(network, "127.0.0.1", p, 3, 2, Duration.ofSeconds(20));
      assertThat(server.port()).isBetween(p + 1, p + 3);
      worker(0);
      worker(1);
      server.awaitConnected(RUNNING);
      assertSameAsLocal(server.step(weights, NONE, 0, 0, RUNNING), 0, 0);
      assertThatThrownBy(() -> new StepServer(network, "127.0.0.1", p, 0, 2, Duration.ofSeconds(1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no free port on 127.0.0.1 in " + p + "-" + p)
          .hasMessageContaining("spark.sparkgrad.fit.channel.port");
    }
  }

  @Test
  void aPartitionThatNeverConnectsLosesTheChannelInsteadOfHanging() throws Exception {
    server = server(Duration.ofMillis(800));
    worker(0);
    long start = System.nanoTime();
    assertThatThrownBy(() -> server.awaitConnected(RUNNING))
        .isInstanceOf(StepServer.ChannelLost.class)
        .hasMessageContaining("partition 1 has had no task connected");
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
  }

  @Test
  void theTasksJobEndingLosesTheChannelWithItsError() throws Exception {
    server = server(Duration.ofSeconds(20));
    worker(0);
    worker(1);
    server.awaitConnected(RUNNING);
    IllegalStateException failure = new IllegalStateException("executor lost for good");
    assertThatThrownBy(() -> server.step(weights, NONE, 0, 0, () -> failure))
        .isInstanceOf(StepServer.ChannelLost.class)
        .hasCause(failure);
  }
}
