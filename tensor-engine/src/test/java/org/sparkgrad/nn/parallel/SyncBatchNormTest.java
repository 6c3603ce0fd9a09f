package org.sparkgrad.nn.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.BatchNorm1d;
import org.sparkgrad.nn.BatchNorm2d;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * Batch norm inside {@link ReplicaSync}, as PyTorch's {@code nn.SyncBatchNorm}: replicas that each
 * hold some rows of a batch, on their own threads, give the outputs, input gradients, summed
 * parameter gradients and running statistics of one module on all the rows.
 */
class SyncBatchNormTest {
  /** One replica's results of one step. */
  private record StepResult(Tensor out, Tensor gradIn, Tensor gradWeight, Tensor gradBias) {}

  @Test
  void threeReplicasOfBatchNorm2dMatchOneOnTheWholeBatch() {
    Generator gen = new Generator(7);
    assertReplicasMatchOne(() -> new BatchNorm2d(3), gen, new int[] {12, 3, 2, 2}, 5, 4, 3);
  }

  @Test
  void threeReplicasOfBatchNorm1dMatchOneOnTheWholeBatch() {
    Generator gen = new Generator(8);
    assertReplicasMatchOne(() -> new BatchNorm1d(4), gen, new int[] {12, 4}, 5, 4, 3);
    assertReplicasMatchOne(
        () -> new BatchNorm1d(2, 1e-3, null, true, true), gen, new int[] {12, 2, 3}, 2, 9, 1);
  }

  /**
   * A replica without rows of the step makes no reducer calls (it runs no forward), so the group is
   * the replicas with rows: 7 and 5 rows on two replicas equal the 12 rows on one.
   */
  @Test
  void aReplicaWithoutRowsIsLeftOutOfTheGroup() {
    assertReplicasMatchOne(
        () -> new BatchNorm2d(2), new Generator(9), new int[] {12, 2, 1, 3}, 7, 5);
  }

  @Test
  void oneValuePerChannelOverAllReplicasFailsAsPyTorchDoes() {
    Tensor one = Tensor.of(new float[] {1, 2}, 1, 2);
    assertThatThrownBy(() -> ThreadedReplicas.run(1, i -> new BatchNorm1d(2).forward(one)))
        .hasMessage(
            "batchNorm: expected more than 1 value per channel when training, got 1 over all"
                + " replicas (this replica's input has shape [1, 2])");
    // one row on each of two replicas is two values per channel: fine, as the rows together
    Tensor two = Tensor.of(new float[] {1, 2, 3, 6}, 2, 2);
    Tensor expected = new BatchNorm1d(2).forward(two);
    List<Tensor> outs =
        ThreadedReplicas.run(2, i -> new BatchNorm1d(2).forward(two.narrow(0, i, 1)));
    assertThat(Tensor.cat(outs, 0).toFloatArray())
        .containsExactly(expected.toFloatArray(), within(1e-6f));
    assertThat(expected.toFloatArray()[0]).isCloseTo(-1f, within(1e-4f));
  }

  /**
   * Two training steps of {@code k} replicas holding {@code rows[i]} consecutive rows each, against
   * one module on all of them; every module starts from the same random weights and statistics.
   */
  private static void assertReplicasMatchOne(
      Supplier<Module> make, Generator gen, int[] shape, int... rows) {
    Module whole = make.get();
    LinkedHashMap<String, Tensor> start = whole.stateDict();
    int c = shape[1];
    start.put("weight", Tensor.randn(gen, c));
    start.put("bias", Tensor.randn(gen, c));
    start.put("running_mean", Tensor.randn(gen, c));
    start.put("running_var", Tensor.rand(gen, c).add(0.5));
    whole.loadStateDict(start);
    List<Module> replicas = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      Module m = make.get();
      m.loadStateDict(start);
      replicas.add(m);
    }
    for (int step = 0; step < 2; step++) {
      Tensor x = Tensor.randn(gen, shape).mul(3).add(5);
      Tensor g = Tensor.randn(gen, shape);
      StepResult one = step(whole, x, g);
      int[] offsets = offsets(rows);
      List<StepResult> parts =
          ThreadedReplicas.run(
              rows.length,
              i ->
                  step(
                      replicas.get(i),
                      x.narrow(0, offsets[i], rows[i]),
                      g.narrow(0, offsets[i], rows[i])));
      assertClose("output", one.out(), Tensor.cat(parts.stream().map(StepResult::out).toList()));
      assertClose(
          "input gradient",
          one.gradIn(),
          Tensor.cat(parts.stream().map(StepResult::gradIn).toList()));
      assertClose("weight gradient", one.gradWeight(), sum(parts, StepResult::gradWeight));
      assertClose("bias gradient", one.gradBias(), sum(parts, StepResult::gradBias));
      for (Module r : replicas) {
        for (Map.Entry<String, Tensor> e : whole.stateDict().entrySet()) {
          assertClose(
              e.getKey() + " after step " + step, e.getValue(), r.stateDict().get(e.getKey()));
        }
      }
    }
    assertThat(whole.getBuffer("num_batches_tracked").item()).isEqualTo(2.0);
  }

  private static StepResult step(Module m, Tensor x, Tensor g) {
    m.zeroGrad();
    Tensor in = x.copy().requiresGrad(true);
    Tensor out = m.forward(in);
    out.mul(g).sum().backward();
    return new StepResult(
        out.detach(), in.grad(), m.getParameter("weight").grad(), m.getParameter("bias").grad());
  }

  private static int[] offsets(int[] rows) {
    int[] o = new int[rows.length];
    for (int i = 1; i < rows.length; i++) {
      o[i] = o[i - 1] + rows[i - 1];
    }
    return o;
  }

  private static Tensor sum(
      List<StepResult> parts, java.util.function.Function<StepResult, Tensor> field) {
    Tensor s = field.apply(parts.get(0));
    for (int i = 1; i < parts.size(); i++) {
      s = s.add(field.apply(parts.get(i)));
    }
    return s;
  }

  private static void assertClose(String what, Tensor expected, Tensor actual) {
    assertThat(actual.shape()).as(what).isEqualTo(expected.shape());
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    for (int i = 0; i < e.length; i++) {
      assertThat(a[i])
          .as("%s, element %d", what, i)
          .isCloseTo(e[i], within(1e-4f + 1e-4f * Math.abs(e[i])));
    }
  }
}
