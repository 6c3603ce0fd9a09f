package org.sparkgrad.ml.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.data.BlockBuilder;
import org.sparkgrad.ml.data.DataBlock;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.train.BatchNormSteps;
import org.sparkgrad.ml.train.GradientStep;
import org.sparkgrad.ml.train.LocalGradientSource;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Objective;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.ml.train.RowIds;
import org.sparkgrad.ml.train.StepResult;

/**
 * The step channel sums batch statistics round by round mid-step: a batch-norm step through it,
 * with one partition in memory, one over the socket and one without rows, sums what the in-memory
 * source (which replays the step round by round) sums, and brings back the same buffers.
 */
class BatchNormChannelTest {
  private static final StepServer.Tasks RUNNING = () -> null;
  private static final int N = 60;
  private static final NetworkSpec SPEC = NetworkSpec.parse(BatchNormSteps.CNN);

  private final List<PartitionData> parts = partitions();
  private final GradientStep step =
      new GradientStep(SPEC, Objective.CROSS_ENTROPY, 5, N, 16, true, "cpu");
  private final float[] weights = Replica.flatWeights(SPEC.build(5));
  // running_mean 0.5, running_var 2, num_batches_tracked 3: not the initial buffers
  private final float[] buffers = {.5f, .5f, .5f, .5f, 2, 2, 2, 2, 3};
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicReference<Throwable> workerError = new AtomicReference<>();
  private StepServer server;

  /**
   * Rows 0, 3, 6, ... and 1, 4, 7, ... in partition 0, none in 1, the rest in 2; 5 validation rows
   * each.
   */
  private static List<PartitionData> partitions() {
    float[] y = new float[N + 15];
    float[][] x = BatchNormSteps.images(N + 15, 7, y);
    List<PartitionData> out = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      BlockBuilder train = new BlockBuilder(BatchNormSteps.FEATURES, 1, false);
      for (int i = 0; i < N; i++) {
        if ((p == 0 && i % 3 != 2) || (p == 2 && i % 3 == 2)) {
          train.add(x[i], new float[] {y[i]}, 1f);
        }
      }
      out.add(new PartitionData(p, train.build(), validation(x, y, N + 5 * p)));
    }
    return RowIds.assign(out);
  }

  private static DataBlock validation(float[][] x, float[] y, int from) {
    BlockBuilder b = new BlockBuilder(BatchNormSteps.FEATURES, 1, false);
    for (int i = from; i < from + 5; i++) {
      b.add(x[i], new float[] {y[i]}, 1f);
    }
    return b.build();
  }

  private void worker(int partition, boolean inProcess) {
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
                    inProcess);
              } catch (IOException e) {
                workerError.compareAndSet(null, e);
              }
            },
            "bn-worker-" + partition);
    t.setDaemon(true);
    t.start();
    workers.add(t);
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
    assertThat(workerError.get()).isNull();
  }

  @Test
  void stepsAndValidationThroughTheChannelSumWhatTheReplayedStepsSum() throws Exception {
    server = new StepServer(StepNetwork.plain(), "127.0.0.1", 0, 0, 3, Duration.ofSeconds(20));
    worker(0, true);
    worker(1, false);
    worker(2, false);
    server.awaitConnected(RUNNING);
    LocalGradientSource local = new LocalGradientSource(parts, step);
    for (int s = 0; s < 4; s++) {
      StepResult got = server.step(weights, buffers, 0, s, RUNNING);
      StepResult want = local.step(weights, buffers, 0, s, 4, 1);
      assertThat(got.count()).isEqualTo(want.count()).isEqualTo(s < 3 ? 16 : 12);
      assertThat(got.lossSum()).isCloseTo(want.lossSum(), within(1e-5));
      double[] g = got.grad();
      double[] w = want.grad();
      for (int i = 0; i < w.length; i++) {
        assertThat(g[i]).as("gradient %d", i).isCloseTo(w[i], within(1e-5));
      }
      assertThat(got.buffers()).containsExactly(want.buffers(), within(1e-6f));
      assertThat(got.buffers()[8]).isEqualTo(4f); // num_batches_tracked: the driver's 3, plus 1
    }
    StepResult val = server.evaluate(weights, buffers, RUNNING);
    StepResult wantVal = local.validate(weights, buffers);
    assertThat(val.count()).isEqualTo(15);
    assertThat(val.lossSum()).isCloseTo(wantVal.lossSum(), within(1e-6)).isPositive();
    // evaluation normalises with the buffers it was sent: others give another loss
    float[] other = buffers.clone();
    other[0] = 3;
    assertThat(server.evaluate(weights, other, RUNNING).lossSum())
        .isNotCloseTo(val.lossSum(), within(1e-3));
  }
}
