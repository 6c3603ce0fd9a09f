package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.UnaryOp;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.nn.loss.Reduction;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.FusedOps;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.GradCheck;
import org.sparkgrad.tensor.Tensor;

/**
 * The fused bias + activation and softmax + cross-entropy ops: gradient checks in float64, and the
 * fused layers and loss against the composed ones ({@code -Dsparkgrad.fused=false}) in float32.
 */
class FusedOpsTest {
  private static final UnaryOp[] ACTIVATIONS = {UnaryOp.RELU, UnaryOp.TANH, UnaryOp.SIGMOID};

  @Test
  void biasActivationGradCheck() {
    Generator g = new Generator(11);
    for (UnaryOp act : ACTIVATIONS) {
      // Values kept away from ReLU's kink, where central differences are not its derivative.
      Tensor y = away(Tensor.randn(g, 2, 3, 4)).requiresGrad(true);
      Tensor b = Tensor.randn(g, 4).mul(0.01).to(DType.FLOAT64).requiresGrad(true);
      GradCheck.check(a -> FusedOps.biasActivation(a[0], a[1], act), y, b);
      // A value used twice: the bias also added to the output.
      GradCheck.check(a -> FusedOps.biasActivation(a[0], a[1], act).add(a[1]), y, b);
    }
  }

  @Test
  void crossEntropyGradCheckWithAnIgnoredRow() {
    Generator g = new Generator(12);
    Tensor x = Tensor.randn(g, 5, 4).to(DType.FLOAT64).requiresGrad(true);
    Tensor t = Tensor.ofLongs(new long[] {3, -100, 0, 2, 3}, 5);
    GradCheck.check(a -> FusedOps.crossEntropy(a[0], t, -100), x);
    GradCheck.check(a -> FusedOps.crossEntropy(a[0], t, -100).mul(a[0].sum(1, false)), x);
  }

  @Test
  void fusedLayersEqualTheComposedOnes() {
    Generator g = new Generator(13);
    Sequential net =
        new Sequential(
            new Linear(6, 5, g),
            new ReLU(),
            new Linear(5, 4, g),
            new Tanh(),
            new Linear(4, 3, g),
            new Sigmoid());
    Tensor x = Tensor.randn(g, 7, 6);
    Tensor w = Tensor.randn(g, 7, 3);
    assertThat(net.forward(x).gradFn().name()).isEqualTo("BiasActivationBackward");
    assertThat(unfused(() -> net.forward(x).gradFn().name())).isEqualTo("SigmoidBackward");
    List<Tensor> fused = run(() -> net.forward(x).mul(w).sum(), net);
    List<Tensor> composed = unfused(() -> run(() -> net.forward(x).mul(w).sum(), net));
    assertClose(fused, composed);
  }

  @Test
  void reluMaxPoolGradCheck() {
    Generator g = new Generator(15);
    // Continuous values away from 0: no ties in a window, no kink under the differences.
    Tensor x = away(Tensor.randn(g, 2, 2, 5, 4)).requiresGrad(true);
    GradCheck.check(a -> FusedOps.reluMaxPool2d(a[0], 2, 2, 0), x);
    GradCheck.check(a -> FusedOps.reluMaxPool2d(a[0], 3, 1, 1), x);
  }

  @Test
  void reluThenMaxPoolRunsFusedInSequentialWithTheSameBits() {
    Generator g = new Generator(16);
    Sequential net =
        new Sequential(
            new Conv2d(2, 3, 3, g),
            new ReLU(),
            new MaxPool2d(2),
            new Flatten(),
            new Linear(3 * 3 * 3, 4, g));
    Sequential head = new Sequential(net.get(0), net.get(1), net.get(2));
    Tensor x = Tensor.randn(g, 5, 2, 8, 8);
    Tensor w = Tensor.randn(g, 5, 4);
    assertThat(head.forward(x).gradFn().name()).isEqualTo("ReluMaxPool2DBackward");
    assertThat(unfused(() -> head.forward(x).gradFn().name()))
        .isEqualTo("MaxPool2DWithIndicesBackward");
    List<Tensor> fused = run(() -> net.forward(x).mul(w).sum(), net);
    List<Tensor> composed = unfused(() -> run(() -> net.forward(x).mul(w).sum(), net));
    assertThat(fused).hasSameSizeAs(composed);
    for (int k = 0; k < fused.size(); k++) {
      assertThat(fused.get(k).toFloatArray())
          .as("tensor %d", k)
          .containsExactly(composed.get(k).toFloatArray());
    }
  }

  @Test
  void fusedCrossEntropyEqualsTheComposedOneForEveryReduction() {
    Generator g = new Generator(14);
    Tensor x = Tensor.randn(g, 6, 5).mul(3).requiresGrad(true);
    Tensor t = Tensor.ofLongs(new long[] {4, 0, -100, 2, 2, 1}, 6);
    for (Reduction r : Reduction.values()) {
      CrossEntropyLoss loss = new CrossEntropyLoss(r);
      // Row weights, so that a gradient sent to the wrong row shows (NONE keeps the rows).
      Tensor w = Tensor.tensor(new float[] {1, -2, 3, 0.5f, -1, 2});
      Supplier<Tensor> f = () -> loss.forward(x, t).mul(w).sum();
      if (r == Reduction.NONE) {
        assertThat(loss.forward(x, t).gradFn().name()).isEqualTo("CrossEntropyBackward");
      }
      assertClose(run(f, x), unfused(() -> run(f, x)));
    }
  }

  /** The output of {@code f} and the gradients of the parameters (or of {@code x}). */
  private static List<Tensor> run(Supplier<Tensor> f, Object of) {
    List<Tensor> params = of instanceof Module m ? m.parameters() : List.of((Tensor) of);
    params.forEach(p -> p.setGrad(null));
    Tensor out = f.get();
    out.backward();
    List<Tensor> result = new java.util.ArrayList<>(List.of(out.detach()));
    params.forEach(p -> result.add(p.grad()));
    return result;
  }

  private static <T> T unfused(Supplier<T> f) {
    System.setProperty("sparkgrad.fused", "false");
    try {
      return f.get();
    } finally {
      System.clearProperty("sparkgrad.fused");
    }
  }

  private static void assertClose(List<Tensor> a, List<Tensor> b) {
    assertThat(a).hasSameSizeAs(b);
    for (int k = 0; k < a.size(); k++) {
      float[] x = a.get(k).toFloatArray();
      float[] y = b.get(k).toFloatArray();
      assertThat(x).as("tensor %d", k).hasSameSizeAs(y);
      for (int i = 0; i < x.length; i++) {
        assertThat((double) x[i]).as("tensor %d [%d]", k, i).isCloseTo(y[i], within(1e-6));
      }
    }
  }

  /** Float64 values at least 0.1 from 0. */
  private static Tensor away(Tensor t) {
    double[] v = t.toDoubleArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = v[i] >= 0 ? v[i] + 0.1 : v[i] - 0.1;
    }
    return Tensor.tensor(v).to(DType.FLOAT64).reshape(t.shape());
  }
}
