package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.loss.Reduction;
import org.sparkgrad.tensor.Tensor;

/** The functional API agrees with the modules, and the small helpers behave as PyTorch's. */
class FunctionalTest {
  @Test
  void oneHotEncodesIndicesAsInt64() {
    Tensor y = F.oneHot(Tensor.ofLongs(new long[] {2, 0, 1, 2}, 2, 2), 3);
    assertThat(y.shape()).containsExactly(2, 2, 3);
    assertThat(y.toLongArray()).containsExactly(0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1);
    assertThat(F.oneHot(Tensor.ofLongs(new long[] {0, 3}), -1).shape()).containsExactly(2, 4);
    assertThatThrownBy(() -> F.oneHot(Tensor.ofLongs(new long[] {0, 3}), 3))
        .hasMessageContaining("class value 3 at position 1 is not in [0, 3)");
  }

  @Test
  void leakyReluScalesOnlyNegatives() {
    Tensor x = Tensor.of(new float[] {-2, -0.5f, 0, 3});
    assertThat(F.leakyRelu(x, 0.1).toFloatArray()).containsExactly(-0.2f, -0.05f, 0f, 3f);
    assertThat(new LeakyReLU().forward(x).toFloatArray()).containsExactly(-0.02f, -0.005f, 0f, 3f);
  }

  @Test
  void embeddingKeepsTheIndexShape() {
    Tensor w = Tensor.of(new float[] {0, 1, 10, 11, 20, 21}, 3, 2);
    Tensor out = F.embedding(Tensor.ofLongs(new long[] {2, 0, 2, 1}, 2, 2), w);
    assertThat(out.shape()).containsExactly(2, 2, 2);
    assertThat(out.toFloatArray()).containsExactly(20, 21, 0, 1, 20, 21, 10, 11);
  }

  @Test
  void functionalLossesMatchTheirModules() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 0, -1}, 2, 3);
    Tensor t = Tensor.ofLongs(new long[] {2, 0});
    assertThat(F.crossEntropy(x, t).item())
        .isEqualTo(new org.sparkgrad.nn.loss.CrossEntropyLoss().forward(x, t).item());
    // -(log_softmax[0][2] + log_softmax[1][0]) / 2 by hand.
    double lse0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    double lse1 = Math.log(Math.exp(4) + Math.exp(0) + Math.exp(-1));
    double expected = ((lse0 - 3) + (lse1 - 4)) / 2;
    assertThat(F.crossEntropy(x, t).item())
        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(F.nllLoss(x.logSoftmax(1), t).item())
        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
    Tensor y = Tensor.of(new float[] {1, 1, 1, 1, 1, 1}, 2, 3);
    assertThat(F.mseLoss(x, y, Reduction.SUM).item()).isEqualTo(0 + 1 + 4 + 9 + 1 + 4);
    assertThat(F.l1Loss(x, y, Reduction.MEAN).item()).isEqualTo((0 + 1 + 2 + 3 + 1 + 2) / 6.0);
    assertThat(F.huberLoss(x, y, Reduction.NONE, 1).toFloatArray())
        .containsExactly(0f, 0.5f, 1.5f, 2.5f, 0.5f, 1.5f);
  }

  @Test
  void pythonFloatRepr() {
    assertThat(PyRepr.floatRepr(1e-5)).isEqualTo("1e-05");
    assertThat(PyRepr.floatRepr(1.5e-7)).isEqualTo("1.5e-07");
    assertThat(PyRepr.floatRepr(0.0001)).isEqualTo("0.0001");
    assertThat(PyRepr.floatRepr(0.1)).isEqualTo("0.1");
    assertThat(PyRepr.floatRepr(0.25)).isEqualTo("0.25");
    assertThat(PyRepr.floatRepr(1.0)).isEqualTo("1.0");
    assertThat(PyRepr.floatRepr(123.0)).isEqualTo("123.0");
    assertThat(PyRepr.floatRepr(-2.5)).isEqualTo("-2.5");
    assertThat(PyRepr.floatRepr(1e15)).isEqualTo("1000000000000000.0");
    assertThat(PyRepr.floatRepr(1e16)).isEqualTo("1e+16");
    assertThat(PyRepr.floatRepr(2.5e20)).isEqualTo("2.5e+20");
    assertThat(PyRepr.floatRepr(0.0)).isEqualTo("0.0");
    assertThat(PyRepr.tuple(10)).isEqualTo("(10,)");
    assertThat(PyRepr.tuple(3, 4)).isEqualTo("(3, 4)");
  }
}
