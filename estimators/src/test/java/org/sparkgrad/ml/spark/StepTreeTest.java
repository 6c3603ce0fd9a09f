package org.sparkgrad.ml.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.network.client.RpcResponseCallback;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportResponseHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.train.GradientStep;
import org.sparkgrad.ml.train.LocalGradientSource;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Objective;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.ml.train.StepReducer;
import org.sparkgrad.ml.train.StepResult;

/**
 * The step channel's reduction tree ({@link StepTree}): its shape and summation order, and, with
 * {@link StepServer} and {@link StepWorker} threads on loopback, that a step through the tree sums
 * exactly what the tree's order says, matches the in-memory source, and costs the driver one
 * message and the same bytes each way whatever the partition count.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StepTreeTest {
  private static final float[] NONE = new float[0];
  private static final StepServer.Tasks RUNNING = () -> null;

  private final NetworkSpec spec = NetworkSpec.simple(6, new int[] {9}, "relu", 0, 3);
  private final GradientStep step =
      new GradientStep(spec, Objective.CROSS_ENTROPY, 5, 73, 16, true, "cpu");
  private final float[] weights = Replica.flatWeights(spec.build(5));
  private final List<Thread> workers = new ArrayList<>();
  private StepServer server;

  @Test
  void theTreeIsAHeapByPartitionIndexAndAddsInPreOrder() {
    assertThat(StepTree.children(0, 5)).containsExactly(1, 2);
    assertThat(StepTree.children(1, 5)).containsExactly(3, 4);
    assertThat(StepTree.children(1, 4)).containsExactly(3);
    assertThat(StepTree.children(2, 5)).isEmpty();
    assertThat(StepTree.parent(4)).isEqualTo(1);
    assertThat(StepTree.parent(2)).isZero();
    assertThat(StepTree.preOrder(5)).containsExactly(0, 1, 3, 4, 2);
    assertThat(StepTree.preOrder(7)).containsExactly(0, 1, 3, 4, 2, 5, 6);
    assertThat(StepTree.depth(1)).isZero();
    assertThat(StepTree.depth(3)).isEqualTo(1);
    assertThat(StepTree.depth(4)).isEqualTo(2);
    assertThat(StepTree.depth(256)).isEqualTo(8);
    assertThatThrownBy(() -> StepTree.parent(0)).hasMessageContaining("partition 0 is the root");
  }

  @Test
  void eachNodeAddsItsOwnGradientThenItsChildrenSubtreesLeftFirst() {
    // In partition order, ((1 + 2^57) - 2^57) + 1 = 1 (2^57 absorbs the first 1); the tree adds
    // partition 3 into partition 1's sum first, where 2^57 absorbs it too: (1 + (2^57 + 1)) - 2^57.
    float big = (float) Math.scalb(1.0, 57);
    float[][] grads = {{1f, 2f}, {big, 0f}, {-big, 0f}, {1f, 3f}};
    double[] sum = StepTree.subtreeSum(0, grads);
    assertThat(sum).containsExactly(0.0, 5.0);
    assertThat(((1.0 + big) - big) + 1.0).as("the partition-order sum differs").isEqualTo(1.0);
    // a partition without rows adds nothing, and a subtree without rows sends none
    assertThat(StepTree.subtreeSum(1, new float[][] {{1f}, null, {2f}, null})).isNull();
    assertThat(StepTree.subtreeSum(0, new float[][] {null, null, {2f}, {4f}})).containsExactly(6.0);
  }

  @ParameterizedTest(name = "{0} partitions")
  @ValueSource(ints = {3, 5})
  void aStepThroughTheTreeSumsInTheTreesOrderAndCostsTheDriverTheSameBytes(int n) throws Exception {
    int[] sizes = new int[n];
    for (int p = 0; p < n; p++) {
      sizes[p] = 73 / n + (p < 73 % n ? 1 : 0);
    }
    List<PartitionData> parts = StepServerTest.partitions(sizes);
    server =
        new StepServer(StepNetwork.plain(), "127.0.0.1", 0, 0, n, Duration.ofSeconds(20), true);
    for (int p = 0; p < n; p++) {
      worker(parts, p);
    }
    server.awaitConnected(RUNNING);
    List<StepTraffic> heard = new ArrayList<>();
    StepTraffic.listen(heard::add);
    try {
      for (int s = 0; s < 3; s++) {
        StepResult got = server.step(weights, NONE, 1, s, RUNNING);
        float[][] own = new float[n][];
        for (int p = 0; p < n; p++) {
          StepResult r = step.train(parts.get(p), weights, NONE, 1, s, StepReducer.ALONE);
          own[p] = r.partial() == null ? null : r.partial().clone();
        }
        double[] sum = StepTree.subtreeSum(0, own);
        double[] carried = got.grad();
        for (int i = 0; i < sum.length; i++) {
          // the root's double sum reaches the driver as float32 parts hi and lo (StepResult.ofSum)
          double hi = (float) sum[i];
          assertThat(carried[i])
              .as("step %d, value %d", s, i)
              .isEqualTo(hi + (float) (sum[i] - hi));
        }
        StepResult want = new LocalGradientSource(parts, step).step(weights, NONE, 1, s, 5, 1);
        assertThat(got.count()).isEqualTo(want.count()).isPositive();
        assertThat(got.lossSum()).isCloseTo(want.lossSum(), within(1e-9));
        assertThat(got.grad()).containsExactly(want.grad(), within(1e-6));
      }
    } finally {
      StepTraffic.listen(null);
    }
    int w = weights.length;
    assertThat(heard).hasSize(3);
    // The first step forms the tree: every task is told its parent, and the root says it joined.
    assertThat(heard.get(0).messagesOut()).isEqualTo(n + 1);
    assertThat(heard.get(0).messagesIn()).isEqualTo(2);
    for (StepTraffic t : heard.subList(1, 3)) {
      assertThat(t.messagesIn()).isEqualTo(1);
      assertThat(t.messagesOut()).isEqualTo(1);
      assertThat(t.bytesIn()).isEqualTo(StepProtocol.REPLY_HEADER + 8L * w + 4);
      assertThat(t.bytesOut()).isEqualTo(StepProtocol.COMMAND_HEADER + 4L * w + 4);
      assertThat(t.tasks().computeSum())
          .isGreaterThanOrEqualTo(t.tasks().computeMax())
          .isPositive();
    }
    StepResult val = server.evaluate(weights, NONE, RUNNING);
    assertThat(val.count()).isEqualTo(7L * n);
    assertThat(val.hasGrad()).isFalse();
  }

  @Test
  void aTaskLostFromTheTreeLosesTheChannelInsteadOfHanging() throws Exception {
    List<PartitionData> parts = StepServerTest.partitions(25, 24, 24);
    server =
        new StepServer(StepNetwork.plain(), "127.0.0.1", 0, 0, 3, Duration.ofSeconds(20), true);
    worker(parts, 0);
    worker(parts, 1);
    Thread lost = worker(parts, 2);
    server.awaitConnected(RUNNING);
    assertThat(server.step(weights, NONE, 0, 0, RUNNING).count()).isPositive();
    lost.interrupt();
    lost.join(5000);
    assertThatThrownBy(() -> server.step(weights, NONE, 0, 1, RUNNING))
        .isInstanceOf(StepServer.ChannelLost.class)
        .hasMessageContaining("reduction tree broke");
  }

  @Test
  void aChildsHelloBeforeItsParentJoinedIsHeldUntilTheJoinTakesOrRefusesIt() throws Exception {
    // The driver tells the tasks their places one after another: a child may reach its parent
    // before the parent has been told (this raced, refusing the child, at 5 partitions).
    StepRelay relay = new StepRelay(null);
    Answer child = new Answer();
    Answer stranger = new Answer();
    TransportClient childLink = link();
    TransportClient strangerLink = link();
    relay.receive(childLink, StepProtocol.hello(null, 3, 3, false, 0), child);
    relay.receive(strangerLink, StepProtocol.hello(null, 2, 2, false, 0), stranger);
    assertThat(child.got).as("no answer before the join").isNull();
    assertThat(stranger.got).isNull();
    relay.join(1, 5); // partition 1's children are 3 and 4
    assertThat(stranger.got).isInstanceOf(IOException.class);
    assertThat(((IOException) stranger.got).getMessage())
        .isEqualTo("partition 2 is not a child of this tree node");
    assertThat(child.got).isNull();
    relay.stop();
    assertThat(child.got)
        .as("the held child is answered, here with a stop")
        .isInstanceOf(ByteBuffer.class);
    assertThat(((ByteBuffer) child.got).getInt(0)).isEqualTo(StepProtocol.STOP);
  }

  /** A link to nowhere, for a relay's bookkeeping (the relay answers through callbacks). */
  private static TransportClient link() {
    EmbeddedChannel channel = new EmbeddedChannel();
    return new TransportClient(channel, new TransportResponseHandler(channel));
  }

  /** What a relay answered a request with: its message or its failure. */
  private static final class Answer implements RpcResponseCallback {
    volatile Object got;

    @Override
    public void onSuccess(ByteBuffer response) {
      got = StepProtocol.littleEndian(response);
    }

    @Override
    public void onFailure(Throwable e) {
      got = e;
    }
  }

  private Thread worker(List<PartitionData> parts, int partition) {
    byte[] token = server.token();
    int port = server.port();
    Thread t =
        new Thread(
            () -> {
              try {
                StepWorker.serve(
                    StepNetwork.plain(),
                    "127.0.0.1",
                    port,
                    token,
                    partition,
                    partition,
                    parts.get(partition),
                    step,
                    false);
              } catch (IOException e) {
                // a worker cut off from the tree ends; the driver's side is what is checked
              }
            },
            "tree-worker-" + partition);
    t.setDaemon(true);
    t.start();
    workers.add(t);
    return t;
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
}
