package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.Storage;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * {@code zeroGrad(setToNone=false)} keeps gradient buffers, and {@code backward()} accumulates into
 * them in place (Linear writes its weight gradient with the GEMM itself), giving the same values as
 * fresh gradients.
 */
class GradBufferReuseTest {
  private static Sequential mlp(DType dtype) {
    Sequential m = new Sequential(new Linear(7, 5, 1L), new ReLU(), new Linear(5, 3, 2L));
    if (dtype == DType.FLOAT64) {
      m.to(DType.FLOAT64);
    }
    return m;
  }

  private static Tensor loss(Sequential m, long seed, DType dtype) {
    Generator g = new Generator(seed);
    Tensor x = Tensor.randn(g, 4, 7).to(dtype);
    return m.forward(x).pow(2).sum();
  }

  private static double[] grad(Tensor p) {
    return p.grad().toDoubleArray();
  }

  /** Every parameter of {@code got} has the gradient of the same parameter of {@code want}. */
  private static void assertSameGrads(Sequential got, Sequential want, double tolerance) {
    for (int i = 0; i < want.parameters().size(); i++) {
      assertThat(grad(got.parameters().get(i)))
          .as("gradient of parameter %d", i)
          .containsExactly(
              grad(want.parameters().get(i)), org.assertj.core.data.Offset.offset(tolerance));
    }
  }

  @Test
  void zeroGradWithoutSetToNoneKeepsTheBuffersAndZeroesThem() {
    Sequential m = mlp(DType.FLOAT32);
    loss(m, 3, DType.FLOAT32).backward();
    Tensor w = ((Linear) m.get(0)).weight();
    Storage before = w.grad().storage();
    m.zeroGrad(false);
    assertThat(w.grad()).isNotNull();
    assertThat(w.grad().storage()).isSameAs(before);
    assertThat(w.grad().toDoubleArray()).containsOnly(0.0);
    m.zeroGrad(true);
    assertThat(w.grad()).isNull();
  }

  @Test
  void backwardIntoKeptBuffersEqualsFreshGradients() {
    Sequential reused = mlp(DType.FLOAT64);
    Sequential fresh = mlp(DType.FLOAT64);
    loss(reused, 10, DType.FLOAT64).backward(); // creates the buffers
    for (long step = 11; step < 14; step++) {
      reused.zeroGrad(false);
      fresh.zeroGrad(true);
      Storage kept = ((Linear) reused.get(0)).weight().grad().storage();
      loss(reused, step, DType.FLOAT64).backward();
      loss(fresh, step, DType.FLOAT64).backward();
      assertThat(((Linear) reused.get(0)).weight().grad().storage()).isSameAs(kept);
      assertSameGrads(reused, fresh, 1e-12);
    }
  }

  @Test
  void twoBackwardsAccumulateTheSum() {
    Sequential twice = mlp(DType.FLOAT64);
    Sequential a = mlp(DType.FLOAT64);
    Sequential b = mlp(DType.FLOAT64);
    loss(twice, 20, DType.FLOAT64).backward();
    loss(twice, 21, DType.FLOAT64).backward();
    loss(a, 20, DType.FLOAT64).backward();
    loss(b, 21, DType.FLOAT64).backward();
    for (int i = 0; i < twice.parameters().size(); i++) {
      double[] ga = grad(a.parameters().get(i));
      double[] gb = grad(b.parameters().get(i));
      double[] sum = new double[ga.length];
      for (int j = 0; j < sum.length; j++) {
        sum[j] = ga[j] + gb[j];
      }
      assertThat(grad(twice.parameters().get(i)))
          .containsExactly(sum, org.assertj.core.data.Offset.offset(1e-12));
    }
  }

  @Test
  void aWeightUsedTwiceGetsBothContributionsInItsBuffer() {
    Tensor w = Tensor.randn(new Generator(5), 4, 4).to(DType.FLOAT64).requiresGrad(true);
    Tensor x = Tensor.randn(new Generator(6), 3, 4).to(DType.FLOAT64);
    Tensor.linear(Tensor.linear(x, w, null), w, null).sum().backward();
    double[] expected = w.grad().toDoubleArray();
    w.grad().fillInPlace(0);
    Storage kept = w.grad().storage();
    Tensor.linear(Tensor.linear(x, w, null), w, null).sum().backward();
    assertThat(w.grad().storage()).isSameAs(kept);
    assertThat(w.grad().toDoubleArray())
        .containsExactly(expected, org.assertj.core.data.Offset.offset(1e-12));
    // and the same through matmul, which does not write into the buffer
    w.grad().fillInPlace(0);
    x.matmul(w.t()).matmul(w.t()).sum().backward();
    assertThat(w.grad().toDoubleArray())
        .containsExactly(expected, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void zeroedBuffersAreWrittenOverNotAddedTo() {
    // zeroGrad(false) writes no zeros: the next backward writes over the kept buffers (a GEMM with
    // beta = 0, a copy). Stale NaNs in them must not reach the new gradient.
    Sequential reused = mlp(DType.FLOAT32);
    Sequential fresh = mlp(DType.FLOAT32);
    loss(reused, 30, DType.FLOAT32).backward();
    for (Tensor p : reused.parameters()) {
      p.grad().fillInPlace(Double.NaN);
    }
    Storage kept = ((Linear) reused.get(0)).weight().grad().storage();
    reused.zeroGrad(false);
    loss(reused, 31, DType.FLOAT32).backward();
    loss(fresh, 31, DType.FLOAT32).backward();
    assertThat(((Linear) reused.get(0)).weight().grad().storage()).isSameAs(kept);
    assertSameGrads(reused, fresh, 1e-6);
  }

  @Test
  void aZeroedWeightUsedTwiceGetsBothContributions() {
    Tensor w = Tensor.randn(new Generator(7), 4, 4).to(DType.FLOAT64).requiresGrad(true);
    Tensor x = Tensor.randn(new Generator(8), 3, 4).to(DType.FLOAT64);
    Tensor.linear(Tensor.linear(x, w, null), w, null).sum().backward();
    double[] expected = w.grad().toDoubleArray();
    w.grad().fillInPlace(Double.NaN);
    w.zeroGrad(false);
    // the first contribution writes over the buffer, the second adds to it
    Tensor.linear(Tensor.linear(x, w, null), w, null).sum().backward();
    assertThat(w.grad().toDoubleArray())
        .containsExactly(expected, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void aZeroedParameterThatGetsNoGradientReadsZeros() {
    Sequential m = mlp(DType.FLOAT32);
    loss(m, 40, DType.FLOAT32).backward();
    Tensor unused = Tensor.ones(3).requiresGrad(true);
    unused.mul(2).sum().backward();
    Storage kept = unused.grad().storage();
    unused.zeroGrad(false);
    loss(m, 41, DType.FLOAT32).backward(); // does not touch `unused`
    assertThat(unused.grad().storage()).isSameAs(kept);
    assertThat(unused.grad().toDoubleArray()).containsExactly(0.0, 0.0, 0.0);
    // and a later backward that does reach it adds to zeros, not to the stale 2s
    unused.mul(3).sum().backward();
    assertThat(unused.grad().toDoubleArray()).containsExactly(3.0, 3.0, 3.0);
  }
}
