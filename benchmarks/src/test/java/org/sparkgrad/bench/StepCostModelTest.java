package org.sparkgrad.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link StepCostModel}'s arithmetic: the driver's bytes and messages per step against the counts
 * {@code StepCostProbe --executors 4} measured on the standalone cluster (MLP 784-256-128-10, P =
 * 235,146, star and tree), the tree's depth, and the time terms of a model with unit constants
 * worked out by hand, so that a wrong count of links, levels or messages fails.
 */
class StepCostModelTest {
  private static final long P = 235_146;

  @Test
  void starBytesAndMessagesAreTheMeasuredOnes() {
    long[] in = {940_664, 1_881_328, 2_821_992, 3_762_656};
    long[] out = {940_604, 1_881_208, 2_821_812, 3_762_416};
    for (int n = 1; n <= 4; n++) {
      StepCostModel.Traffic t = StepCostModel.driverTraffic(P, 0, n, false);
      assertThat(t.bytesIn()).as("bytes in at %d executors", n).isEqualTo(in[n - 1]);
      assertThat(t.bytesOut()).as("bytes out at %d executors", n).isEqualTo(out[n - 1]);
      assertThat(t.messagesIn()).isEqualTo(n);
      assertThat(t.messagesOut()).isEqualTo(n);
    }
  }

  @Test
  void treeBytesAreFlatFromThreePartitionsAndTheStarsBelow() {
    assertThat(StepCostModel.driverTraffic(P, 0, 1, true))
        .isEqualTo(new StepCostModel.Traffic(940_664, 940_604, 1, 1));
    assertThat(StepCostModel.driverTraffic(P, 0, 2, true))
        .isEqualTo(new StepCostModel.Traffic(1_881_328, 1_881_208, 2, 2));
    for (int n : new int[] {3, 4, 64, 256}) {
      assertThat(StepCostModel.driverTraffic(P, 0, n, true))
          .as("%d executors", n)
          .isEqualTo(new StepCostModel.Traffic(1_881_248, 940_604, 1, 1));
    }
  }

  @Test
  void buffersTravelAsFloat32InEveryMessage() {
    assertThat(StepCostModel.commandBytes(10, 3)).isEqualTo(16 + 40 + 4 + 12);
    assertThat(StepCostModel.replyBytes(10, 3)).isEqualTo(76 + 40 + 4 + 12);
    assertThat(StepCostModel.sumsBytes(10, 3)).isEqualTo(76 + 80 + 4 + 12);
  }

  @Test
  void depthIsTheFloorOfLog2() {
    int[][] cases = {{1, 0}, {2, 1}, {3, 1}, {4, 2}, {7, 2}, {8, 3}, {16, 4}, {255, 7}, {256, 8}};
    for (int[] c : cases) {
      assertThat(StepCostModel.depth(c[0])).as("%d partitions", c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void starTermsWithUnitConstants() {
    // P = 10, B = 4, N = 2: a command of 60 bytes, a reply of 120, 2 rows a task.
    StepCostModel m = new StepCostModel(1, 0.5, 0.25, 2, 7, 1, 64);
    Map<String, Double> t = m.terms(10, 4, 2, false);
    assertThat(t.get("weights out")).isEqualTo(120.0);
    assertThat(t.get("latency")).isEqualTo(14.0);
    assertThat(t.get("compute")).isEqualTo(20.0);
    assertThat(t.get("encode")).isEqualTo(60.0);
    assertThat(t.get("gradients in")).isEqualTo(240.0);
    assertThat(t.get("decode")).isEqualTo(120.0);
    assertThat(t.get("sum")).isEqualTo(5.0);
    assertThat(t.get("update")).isEqualTo(20.0);
    assertThat(m.stepNs(10, 4, 2, false)).isCloseTo(599.0, within(1e-9));
    assertThat(m.dominant(10, 4, 2, false)).isEqualTo("gradients in 40%");
  }

  @Test
  void treeTermsCountLevelsAndTwoChildrenPerLink() {
    // P = 10, N = 4: depth 2, a command of 60 bytes, sums of 160; 1 row a task.
    StepCostModel m = new StepCostModel(1, 0.5, 0.25, 2, 7, 1, 64);
    Map<String, Double> t = m.terms(10, 4, 4, true);
    assertThat(t.get("weights out")).isEqualTo(300.0); // root's one, then 2 per level
    assertThat(t.get("latency")).isEqualTo(42.0); // 3 hops each way
    assertThat(t.get("compute")).isEqualTo(10.0);
    assertThat(t.get("encode")).isEqualTo(240.0); // one sums message per hop up
    assertThat(t.get("gradients in")).isEqualTo(800.0); // 2 per level, then the root's
    assertThat(t.get("decode")).isEqualTo(400.0);
    assertThat(t.get("sum")).isEqualTo(10.0); // 2 children per level, 2 levels
    assertThat(t.get("update")).isEqualTo(20.0);
  }

  @Test
  void theTreeWinsOnlyWhereTheStarsDriverLinkCostsMoreThanItsLevels() {
    // Links only: star N (Cmd + Rep) = N (100 + 8P) against tree (1 + 2d) Cmd + (2d + 1) Sum =
    // (2d + 1)(100 + 12P): below 8 executors (d <= 2) the star's 8PN < 60P wins, at 10 (d = 3)
    // 80P < 84P still, at 11 88P > 84P the tree.
    StepCostModel m = new StepCostModel(0, 0, 0, 0, 0, 1, 1);
    assertThat(m.treeFasterFrom(1_000_000, 1, 1024)).isEqualTo(11);
    assertThat(m.stepNs(1_000_000, 10, 10, true)).isGreaterThan(m.stepNs(1_000_000, 10, 10, false));
    assertThat(m.stepNs(1_000_000, 16, 16, true)).isLessThan(m.stepNs(1_000_000, 16, 16, false));
  }

  @Test
  void executorsBeyondTheCoresSlowTheCompute() {
    StepCostModel m = new StepCostModel(1, 0, 0, 0, 0, 1, 2);
    assertThat(m.terms(10, 8, 4, false).get("compute")).isEqualTo(2 * 10 * 2.0);
    assertThat(m.terms(10, 8, 2, false).get("compute")).isEqualTo(4 * 10 * 1.0);
  }
}
