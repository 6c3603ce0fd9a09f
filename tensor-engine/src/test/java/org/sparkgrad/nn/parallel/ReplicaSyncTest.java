package org.sparkgrad.nn.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.BatchNorm1d;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/** {@link ReplicaSync}'s scope and its differentiable all-reduce, and batch norm outside it. */
class ReplicaSyncTest {
  @Test
  void allReduceSumsForwardAndBackwardThroughTheReducer() {
    List<float[]> calls = new ArrayList<>();
    // stands for two other replicas that each hold the same values as this one
    ReplicaReducer threeTimes =
        local -> {
          calls.add(local.clone());
          float[] s = new float[local.length];
          for (int i = 0; i < s.length; i++) {
            s[i] = 3 * local[i];
          }
          return s;
        };
    Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
    try (ReplicaSync sync = ReplicaSync.enter(threeTimes)) {
      assertThat(ReplicaSync.active()).isTrue();
      Tensor y = ReplicaSync.allReduce(x);
      assertThat(y.toFloatArray()).containsExactly(3, 6);
      assertThat(y.gradFn().name()).isEqualTo("AllReduceBackward");
      y.mul(Tensor.of(new float[] {10, 20}, 2)).sum().backward();
    }
    assertThat(x.grad().toFloatArray()).containsExactly(30, 60);
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1)).containsExactly(10, 20);
    assertThat(ReplicaSync.active()).isFalse();
  }

  @Test
  void float64GoesThroughSumDoublesAndWithoutAReducerItIsAnIdentityCopy() {
    ReplicaReducer floatsOnly =
        new ReplicaReducer() {
          @Override
          public float[] sum(float[] local) {
            throw new AssertionError("float64 must not be rounded to floats");
          }

          @Override
          public double[] sumDoubles(double[] local) {
            return new double[] {local[0] + 1e-12};
          }
        };
    try (ReplicaSync sync = ReplicaSync.enter(floatsOnly)) {
      Tensor y = ReplicaSync.allReduce(Tensor.of(new double[] {1}, 1));
      assertThat(y.dtype()).isEqualTo(DType.FLOAT64);
      assertThat(y.item()).isEqualTo(1 + 1e-12);
    }
    ReplicaReducer viaFloats = local -> new float[] {local[0] * 2};
    try (ReplicaSync sync = ReplicaSync.enter(viaFloats)) {
      assertThat(ReplicaSync.allReduce(Tensor.of(new double[] {0.25}, 1)).item()).isEqualTo(0.5);
    }
    Tensor x = Tensor.of(new float[] {4, 5}, 2).requiresGrad(true);
    Tensor y = ReplicaSync.allReduce(x);
    assertThat(y.toFloatArray()).containsExactly(4, 5);
    assertThat(y.storage()).isNotSameAs(x.storage());
    y.sum().backward();
    assertThat(x.grad().toFloatArray()).containsExactly(1, 1);
  }

  @Test
  void scopesNestAndCloseOnlyOnTheirThread() throws Exception {
    ReplicaReducer outer = local -> new float[] {1};
    ReplicaReducer inner = local -> new float[] {2};
    Tensor one = Tensor.of(new float[] {0}, 1);
    try (ReplicaSync a = ReplicaSync.enter(outer)) {
      try (ReplicaSync b = ReplicaSync.enter(inner)) {
        assertThat(ReplicaSync.allReduce(one).item()).isEqualTo(2.0);
      }
      assertThat(ReplicaSync.allReduce(one).item()).isEqualTo(1.0);
      assertThat(CompletableFuture.supplyAsync(ReplicaSync::active).get()).isFalse();
      CompletableFuture<Void> elsewhere = CompletableFuture.runAsync(a::close);
      assertThatThrownBy(elsewhere::get)
          .isInstanceOf(ExecutionException.class)
          .rootCause()
          .hasMessageStartingWith(
              "ReplicaSync: a scope entered on thread '"
                  + Thread.currentThread().getName()
                  + "' must be closed on it, not on '");
    }
    assertThat(ReplicaSync.active()).isFalse();
  }

  /**
   * Without a reducer, training is the local path, bit for bit the ops it always ran: {@code mean},
   * centre, biased variance as a mean of squares, divide by {@code sqrt(var + eps)}. Evaluation
   * makes no reducer calls even inside a scope.
   */
  @Test
  void withoutAReducerBatchNormIsTheLocalComputationExactly() {
    Generator gen = new Generator(3);
    Tensor x = Tensor.randn(gen, 6, 3, 4).mul(2).add(7);
    BatchNorm1d bn = new BatchNorm1d(3);
    float[] y = bn.forward(x).toFloatArray();
    Tensor mean = x.mean(2, true).mean(0, true);
    Tensor centered = x.sub(mean);
    Tensor var = centered.mul(centered).mean(2, true).mean(0, true);
    float[] expected = centered.div(var.add(1e-5).sqrt()).toFloatArray();
    assertThat(y).containsExactly(expected);
    float[] runningVar = bn.getBuffer("running_var").toFloatArray();
    float[] varValues = var.toFloatArray();
    for (int c = 0; c < 3; c++) {
      assertThat(runningVar[c])
          .isCloseTo((float) (0.9 + 0.1 * (varValues[c] * (24 / 23.0))), within(1e-6f));
    }
    bn.eval();
    ReplicaReducer refuses =
        local -> {
          throw new AssertionError("evaluation must not reduce");
        };
    try (ReplicaSync sync = ReplicaSync.enter(refuses)) {
      assertThat(bn.forward(x).toFloatArray()).hasSize(72);
    }
  }
}
