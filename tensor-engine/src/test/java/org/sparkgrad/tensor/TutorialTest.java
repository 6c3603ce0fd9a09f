package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkgrad.util.StrictJson;

/**
 * PyTorch's "Tensors" and "Automatic differentiation with torch.autograd" tutorials, as tests:
 * tensors of each rank and their attributes, the matrix product, and the one-layer computational
 * graph {@code loss = BCE(sigmoid(x @ w + b), y)} whose gradients are checked against the chain
 * rule worked by hand and against PyTorch (golden case {@code tutorial_bce}).
 */
class TutorialTest {
  /** The tutorial's w, fixed (the tutorial draws it with randn); gen_golden.py uses the same. */
  static final double[][] W = {
    {0.3, -0.5, 0.8}, {-1.2, 0.7, 0.1}, {0.25, -0.9, 0.4}, {1.1, 0.05, -0.6}, {-0.35, 0.6, 0.2}
  };

  /** The tutorial's b, fixed; gen_golden.py uses the same. */
  static final double[] B = {0.1, -0.2, 0.3};

  /**
   * Binary cross-entropy of probabilities {@code sigmoid(x @ w + b)} against targets {@code y},
   * composed of tensor ops: {@code mean(-(y log a + (1 - y) log(1 - a)))}.
   */
  static Tensor binaryCrossEntropy(Tensor w, Tensor b, Tensor x, Tensor y) {
    Tensor a = x.matmul(w).add(b).sigmoid();
    return y.mul(a.log()).add(y.rsub(1).mul(a.rsub(1).log())).neg().mean();
  }

  private static Tensor matrix(double[][] rows) {
    float[] v = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < rows[0].length; j++) {
        v[i * rows[0].length + j] = (float) rows[i][j];
      }
    }
    return Tensor.of(v, rows.length, rows[0].length);
  }

  private static Tensor vector(double[] values) {
    float[] v = new float[values.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) values[i];
    }
    return Tensor.of(v);
  }

  // ---------------------------------------------------------------- tensors

  @Test
  void scalarsVectorsMatricesAndThreeDTensors() {
    Tensor scalar = Tensor.scalar(7);
    assertThat(scalar.dim()).isZero();
    assertThat(scalar.shape()).isEmpty();
    assertThat(scalar.item()).isEqualTo(7.0);

    Tensor vector = Tensor.of(new float[] {7, 7});
    assertThat(vector.dim()).isEqualTo(1);
    assertThat(vector.shape()).containsExactly(2);

    Tensor matrix = Tensor.of(new float[] {7, 8, 9, 10}, 2, 2);
    assertThat(matrix.dim()).isEqualTo(2);
    assertThat(matrix.size(0)).isEqualTo(2);
    assertThat(matrix.narrow(0, 1, 1).toFloatArray()).containsExactly(9, 10);

    Tensor tensor = Tensor.of(new float[] {1, 2, 3, 3, 6, 9, 2, 4, 5, 5, 7, 8}, 2, 2, 3);
    assertThat(tensor.dim()).isEqualTo(3);
    assertThat(tensor.shape()).containsExactly(2, 2, 3);
    assertThat(tensor.numel()).isEqualTo(12);
    assertThat(tensor.size(-1)).isEqualTo(3);
    // tensor[1][0] in PyTorch's indexing.
    assertThat(tensor.narrow(0, 1, 1).narrow(1, 0, 1).toFloatArray()).containsExactly(2, 4, 5);
  }

  @Test
  void dtypes() {
    assertThat(Tensor.of(new float[] {1.5f}).dtype()).isEqualTo(DType.FLOAT32);
    assertThat(Tensor.ones(2).dtype()).isEqualTo(DType.FLOAT32);
    Tensor longs = Tensor.ofLongs(new long[] {3, -1});
    assertThat(longs.dtype()).isEqualTo(DType.INT64);
    assertThat(longs.toLongArray()).containsExactly(3, -1);
    Tensor doubles = Tensor.of(new float[] {0.1f, 2}).to(DType.FLOAT64);
    assertThat(doubles.dtype()).isEqualTo(DType.FLOAT64);
    assertThat(doubles.toDoubleArray()).containsExactly((double) 0.1f, 2.0);
    assertThat(doubles.to(DType.FLOAT32).toFloatArray()).containsExactly(0.1f, 2f);
    assertThat(longs.toString()).isEqualTo("tensor([ 3, -1])");
    assertThat(doubles.toString()).isEqualTo("tensor([0.1000, 2.0000], dtype=torch.float64)");
  }

  @Test
  void matmulIsTheAtOperator() {
    Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor b = Tensor.of(new float[] {7, 8, 9, 10, 11, 12}, 3, 2);
    Tensor c = a.matmul(b);
    assertThat(c.shape()).containsExactly(2, 2);
    assertThat(c.toFloatArray()).containsExactly(58, 64, 139, 154);
    assertThat(b.matmul(a).toFloatArray()).containsExactly(39, 54, 69, 49, 68, 87, 59, 82, 105);
  }

  // ---------------------------------------------------------------- autograd

  @Test
  void computationalGraphMatchesTheChainRuleAndPyTorch() {
    Tensor x = Tensor.ones(5);
    Tensor y = Tensor.zeros(3);
    Tensor w = matrix(W).requiresGrad(true);
    Tensor b = vector(B).requiresGrad(true);
    Tensor z = x.matmul(w).add(b);
    assertThat(z.gradFn().name()).isEqualTo("AddBackward");
    assertThat(z.isLeaf()).isFalse();
    Tensor loss = binaryCrossEntropy(w, b, x, y);
    assertThat(loss.gradFn()).isNotNull();
    assertThat(loss.shape()).isEmpty();
    loss.backward();
    assertThat(x.grad()).isNull();

    assertMatchesChainRule(W, B, loss, w, b);

    Map<String, Object> golden = Golden.opCase("tutorial_bce");
    List<Object> inputs = StrictJson.asList(golden.get("inputs"), "tutorial_bce.inputs");
    // The script's w and b are this class's W and B.
    assertThat(Golden.tensor(inputs.get(2)).toFloatArray())
        .containsExactly(matrix(W).toFloatArray());
    assertThat(Golden.tensor(inputs.get(3)).toFloatArray())
        .containsExactly(vector(B).toFloatArray());
    List<Object> grads = StrictJson.asList(golden.get("grads"), "tutorial_bce.grads");
    GoldenValuesTest.assertMatches(
        "tutorial_bce", "loss", loss, StrictJson.asObject(golden.get("output"), "output"));
    GoldenValuesTest.assertMatches(
        "tutorial_bce", "w.grad", w.grad(), StrictJson.asObject(grads.get(2), "grad"));
    GoldenValuesTest.assertMatches(
        "tutorial_bce", "b.grad", b.grad(), StrictJson.asObject(grads.get(3), "grad"));
  }

  @Test
  void chainRuleHoldsForRandomWeightsAsInTheTutorial() {
    Generator gen = new Generator(0);
    Tensor w = Tensor.randn(gen, 5, 3).requiresGrad(true);
    Tensor b = Tensor.randn(gen, 3).requiresGrad(true);
    Tensor loss = binaryCrossEntropy(w, b, Tensor.ones(5), Tensor.zeros(3));
    loss.backward();
    double[] wv = w.toDoubleArray();
    double[][] wRows = new double[5][3];
    for (int i = 0; i < 5; i++) {
      System.arraycopy(wv, 3 * i, wRows[i], 0, 3);
    }
    assertMatchesChainRule(wRows, b.toDoubleArray(), loss, w, b);
  }

  /**
   * With x = ones(5) and y = zeros(3): z_j = sum_i x_i w_ij + b_j, a = sigmoid(z), L = mean_j -(y_j
   * log a_j + (1 - y_j) log(1 - a_j)); so dL/dz_j = (a_j - y_j) / 3, dL/dw_ij = x_i dL/dz_j and
   * dL/db_j = dL/dz_j. Computed in doubles; float32 rounding allows 1e-6 relative.
   */
  private static void assertMatchesChainRule(
      double[][] w, double[] b, Tensor loss, Tensor wt, Tensor bt) {
    double[] x = {1, 1, 1, 1, 1};
    double[] y = {0, 0, 0};
    double expectedLoss = 0;
    double[] dz = new double[3];
    for (int j = 0; j < 3; j++) {
      double z = (float) b[j];
      for (int i = 0; i < 5; i++) {
        z += x[i] * (float) w[i][j];
      }
      double a = 1 / (1 + Math.exp(-z));
      expectedLoss += -(y[j] * Math.log(a) + (1 - y[j]) * Math.log(1 - a)) / 3;
      dz[j] = (a - y[j]) / 3;
    }
    assertThat(loss.item()).isCloseTo(expectedLoss, within(1e-6 * Math.abs(expectedLoss)));
    float[] gw = wt.grad().toFloatArray();
    float[] gb = bt.grad().toFloatArray();
    for (int j = 0; j < 3; j++) {
      assertThat((double) gb[j]).as("dL/db_%d", j).isCloseTo(dz[j], within(1e-6 * dz[j]));
      for (int i = 0; i < 5; i++) {
        assertThat((double) gw[i * 3 + j])
            .as("dL/dw_%d%d", i, j)
            .isCloseTo(x[i] * dz[j], within(1e-6 * dz[j]));
      }
    }
  }

  @Test
  void gradientsAccumulateAcrossBackwardCalls() {
    Tensor x = Tensor.ones(5);
    Tensor y = Tensor.zeros(3);
    Tensor w = matrix(W).requiresGrad(true);
    Tensor b = vector(B).requiresGrad(true);
    binaryCrossEntropy(w, b, x, y).backward();
    float[] once = w.grad().toFloatArray();
    float[] onceB = b.grad().toFloatArray();
    binaryCrossEntropy(w, b, x, y).backward();
    float[] twice = w.grad().toFloatArray();
    for (int i = 0; i < once.length; i++) {
      assertThat(twice[i]).isEqualTo(2 * once[i]);
    }
    assertThat(b.grad().toFloatArray()[2]).isEqualTo(2 * onceB[2]);
    w.zeroGrad();
    assertThat(w.grad()).isNull();
    binaryCrossEntropy(w, b, x, y).backward();
    assertThat(w.grad().toFloatArray()).containsExactly(once);
  }

  @Test
  void noGradAndDetachStopTracking() {
    Tensor x = Tensor.ones(5);
    Tensor w = matrix(W).requiresGrad(true);
    Tensor b = vector(B).requiresGrad(true);
    Tensor z = x.matmul(w).add(b);
    assertThat(z.requiresGrad()).isTrue();
    try (NoGrad ignored = NoGrad.enter()) {
      Tensor zNoGrad = x.matmul(w).add(b);
      assertThat(zNoGrad.requiresGrad()).isFalse();
      assertThat(zNoGrad.gradFn()).isNull();
      assertThat(zNoGrad.toFloatArray()).containsExactly(z.toFloatArray());
    }
    assertThat(x.matmul(w).add(b).requiresGrad()).as("tracking resumes after the scope").isTrue();

    Tensor detached = z.detach();
    assertThat(detached.requiresGrad()).isFalse();
    assertThat(detached.gradFn()).isNull();
    assertThat(detached.isLeaf()).isTrue();
    assertThat(detached.toFloatArray()).containsExactly(z.toFloatArray());
    assertThat(z.requiresGrad()).isTrue();
  }

  // ---------------------------------------------------------------- printing

  @Test
  void printsAsPyTorchDoes() {
    assertThat(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).toString())
        .isEqualTo("tensor([[1., 2.],\n        [3., 4.]])");
    Tensor leaf = Tensor.of(new float[] {0.5f, 1.5f}).requiresGrad(true);
    assertThat(leaf.toString()).isEqualTo("tensor([0.5000, 1.5000], requires_grad=True)");
    assertThat(leaf.add(1).toString()).isEqualTo("tensor([1.5000, 2.5000], grad_fn=<AddBackward>)");
    assertThat(leaf.mul(-2).toString()).isEqualTo("tensor([-1., -3.], grad_fn=<MulBackward>)");
    assertThat(leaf.to(DType.FLOAT64).sum().toString())
        .isEqualTo("tensor(2., dtype=torch.float64, grad_fn=<SumBackward>)");
    assertThat(leaf.detach().toString()).isEqualTo("tensor([0.5000, 1.5000])");
  }
}
