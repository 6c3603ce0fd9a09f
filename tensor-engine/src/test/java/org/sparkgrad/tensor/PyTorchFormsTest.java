package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tensor creation, indexing, joining and reductions under PyTorch's names and defaults. */
class PyTorchFormsTest {
  private static Tensor m() {
    return Tensor.tensor(new float[][] {{1, 5, 2}, {7, 0, 3}});
  }

  private static Tensor f64(int... shape) {
    return Tensor.randn(new Generator(3), shape).to(DType.FLOAT64).requiresGrad(true);
  }

  @Test
  void literalsTakePythonsDtypes() {
    assertThat(Tensor.tensor(3.5).dtype()).isEqualTo(DType.FLOAT32);
    assertThat(Tensor.tensor(3.5).shape()).isEmpty();
    assertThat(Tensor.tensor(7).dtype()).isEqualTo(DType.INT64);
    assertThat(Tensor.tensor(7).shape()).isEmpty();
    assertThat(Tensor.tensor(-7L).item()).isEqualTo(-7.0);
    assertThat(Tensor.tensor(new double[] {0.1, 2}).dtype()).isEqualTo(DType.FLOAT32);
    assertThat(Tensor.tensor(new double[] {0.1, 2}).toFloatArray()).containsExactly(0.1f, 2f);
    assertThat(Tensor.tensor(new int[] {3, -1}).dtype()).isEqualTo(DType.INT64);
    assertThat(Tensor.tensor(new long[] {3, -1}).toLongArray()).containsExactly(3, -1);
    Tensor ints = Tensor.tensor(new int[][] {{1, 2, 3}, {4, 5, 6}});
    assertThat(ints.shape()).containsExactly(2, 3);
    assertThat(ints.toLongArray()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(Tensor.tensor(new long[][] {{1}, {2}}).shape()).containsExactly(2, 1);
    Tensor d = Tensor.tensor(new double[][] {{0.5, 1}, {2, 4}});
    assertThat(d.dtype()).isEqualTo(DType.FLOAT32);
    assertThat(d.toFloatArray()).containsExactly(0.5f, 1, 2, 4);
    assertThat(m().toFloatArray()).containsExactly(1, 5, 2, 7, 0, 3);
    assertThat(m().size()).containsExactly(2, 3);
    assertThat(Tensor.tensor(new float[][] {}).shape()).containsExactly(0, 0);
  }

  @Test
  void raggedRowsAreRejected() {
    assertThatThrownBy(() -> Tensor.tensor(new float[][] {{1, 2}, {3}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tensor: rows must have the same length, row 0 has 2, row 1 has 1");
    assertThatThrownBy(() -> Tensor.tensor(new long[][] {{1}, null}))
        .hasMessage("tensor: row 1 is null");
  }

  @Test
  void selectIsIndexingWithAnInteger() {
    assertThat(m().select(0, 1).toFloatArray()).containsExactly(7, 0, 3);
    assertThat(m().select(0, 1).shape()).containsExactly(3);
    assertThat(m().select(1, 2).toFloatArray()).containsExactly(2, 3);
    assertThat(m().select(-1, -3).toFloatArray()).containsExactly(1, 7);
    assertThat(m().select(0, 0).select(0, 1).shape()).isEmpty();
    assertThat(m().select(0, 0).select(0, 1).item()).isEqualTo(5.0);
    assertThatThrownBy(() -> m().select(1, 3))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("select: index 3 is out of range for dimension 1 of size 3");
    assertThatThrownBy(() -> m().select(0, -3))
        .hasMessage("select: index -3 is out of range for dimension 0 of size 2");
    assertThatThrownBy(() -> Tensor.tensor(1.0).select(0, 0))
        .hasMessage("select: a 0-d tensor cannot be indexed");
    GradCheck.check(a -> a[0].select(1, -2).mul(a[0].select(1, 0)), f64(3, 4));
  }

  @Test
  void stackJoinsAlongANewDimension() {
    Tensor a = Tensor.tensor(new float[] {1, 2});
    Tensor b = Tensor.tensor(new float[] {3, 4});
    assertThat(Tensor.stack(List.of(a, b)).toFloatArray()).containsExactly(1, 2, 3, 4);
    assertThat(Tensor.stack(List.of(a, b)).shape()).containsExactly(2, 2);
    assertThat(Tensor.stack(List.of(a, b), 1).toFloatArray()).containsExactly(1, 3, 2, 4);
    assertThat(Tensor.stack(List.of(a, b), -1).toFloatArray()).containsExactly(1, 3, 2, 4);
    assertThat(Tensor.stack(List.of(m(), m(), m()), -2).shape()).containsExactly(2, 3, 3);
    assertThat(Tensor.stack(List.of(m(), m(), m()), -3).shape()).containsExactly(3, 2, 3);
    assertThatThrownBy(() -> Tensor.stack(List.of(a, m())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "stack: every tensor must have the same shape, tensor 0 has [2], tensor 1 has [2, 3]");
    assertThatThrownBy(() -> Tensor.stack(List.of()))
        .hasMessage("stack: expected a non-empty list of tensors");
    assertThatThrownBy(() -> Tensor.stack(List.of(a, b), 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
    GradCheck.check(
        t -> Tensor.stack(List.of(t[0], t[1].mul(t[0]), t[1]), 1), f64(2, 3), f64(2, 3));
    assertThat(Tensor.cat(List.of(a, b)).toFloatArray()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void unsqueezeCountsNegativeDimensionsFromTheEnd() {
    assertThat(m().unsqueeze(-1).shape()).containsExactly(2, 3, 1);
    assertThat(m().unsqueeze(-2).shape()).containsExactly(2, 1, 3);
    assertThat(m().unsqueeze(-3).shape()).containsExactly(1, 2, 3);
    assertThat(m().unsqueeze(2).shape()).containsExactly(2, 3, 1);
    assertThat(m().unsqueeze(0).shape()).containsExactly(1, 2, 3);
    assertThatThrownBy(() -> m().unsqueeze(3)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> m().unsqueeze(-4)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void reductionsDropTheDimensionByDefault() {
    assertThat(m().sum(1).toFloatArray()).containsExactly(8, 10);
    assertThat(m().sum(0).shape()).containsExactly(3);
    assertThat(m().mean(1).toFloatArray()).containsExactly(8f / 3, 10f / 3);
    assertThat(m().argmax(1).toLongArray()).containsExactly(1, 0);
    assertThat(m().argmax(0).toLongArray()).containsExactly(1, 0, 1);
    ValuesIndices max = m().max(1);
    assertThat(max.values().toFloatArray()).containsExactly(5, 7);
    assertThat(max.indices().toLongArray()).containsExactly(1, 0);
    assertThat(max.indices().dtype()).isEqualTo(DType.INT64);

    Tensor x = m().requiresGrad(true);
    x.max(0).values().sum().backward();
    assertThat(x.grad().toFloatArray()).containsExactly(0, 1, 0, 1, 0, 1);
  }

  @Test
  void likeFormsAndTypeConversion() {
    Tensor x = Tensor.zeros(DType.FLOAT64, 2, 3);
    Tensor.manualSeed(8);
    Tensor r = x.randLike();
    assertThat(r.dtype()).isEqualTo(DType.FLOAT64);
    assertThat(r.shape()).containsExactly(2, 3);
    assertThat(r.toDoubleArray())
        .containsExactly(Tensor.rand(new Generator(8), 2, 3).to(DType.FLOAT64).toDoubleArray());
    Tensor.manualSeed(8);
    assertThat(Tensor.ones(4).randnLike().toFloatArray())
        .containsExactly(Tensor.randn(new Generator(8), 4).toFloatArray());
    assertThatThrownBy(() -> Tensor.arange(3).randLike())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("randLike needs a floating-point tensor, got int64");
    Tensor hits = m().argmax(1).eq(Tensor.tensor(new int[] {1, 1})).type(DType.FLOAT32);
    assertThat(hits.dtype()).isEqualTo(DType.FLOAT32);
    assertThat(hits.sum().item()).isEqualTo(1.0);
  }

  @Test
  void devicesByName() {
    Tensor x = m();
    assertThat(x.to("cpu")).isSameAs(x);
    assertThat(x.cpu()).isSameAs(x);
    assertThatThrownBy(() -> x.to("tpu"))
        .hasMessage("unknown device 'tpu': expected cpu, cuda or cuda:N");
    try (NoGrad ignored = Tensor.noGrad()) {
      assertThat(NoGrad.isGradEnabled()).isFalse();
    }
    assertThat(NoGrad.isGradEnabled()).isTrue();
  }
}
