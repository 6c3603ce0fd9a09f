package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The semantics of the reverse pass beyond single-op gradients. */
class AutogradTest {
  @Test
  void leavesThatReceiveTheSameGradientOwnSeparateCopies() {
    Tensor x = Tensor.ones(3).requiresGrad(true);
    Tensor y = Tensor.ones(3).requiresGrad(true);
    x.add(y).sum().backward();
    try (NoGrad ignored = NoGrad.enter()) {
      x.grad().mulInPlace(5);
    }
    assertThat(x.grad().toFloatArray()).containsExactly(5, 5, 5);
    assertThat(y.grad().toFloatArray()).containsExactly(1, 1, 1);
  }

  @Test
  void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
    Tensor w = Tensor.of(new float[] {2, 3}).requiresGrad(true);
    w.mul(w).sum().backward();
    w.mul(w).sum().backward();
    assertThat(w.grad().toFloatArray()).containsExactly(8, 12);
    w.zeroGrad();
    assertThat(w.grad()).isNull();
    w.mul(3).sum().backward();
    assertThat(w.grad().toFloatArray()).containsExactly(3, 3);
  }

  @Test
  void aCallerGradientIsNotAdoptedByALeaf() {
    Tensor x = Tensor.ones(2).requiresGrad(true);
    Tensor g = Tensor.of(new float[] {1, 2});
    x.backward(g);
    try (NoGrad ignored = NoGrad.enter()) {
      x.grad().mulInPlace(10);
    }
    assertThat(g.toFloatArray()).containsExactly(1, 2);
  }

  @Test
  void theGraphIsFreedAfterBackwardUnlessRetained() {
    Tensor x = Tensor.ones(2).requiresGrad(true);
    Tensor loss = x.exp().sum();
    loss.backward(Tensor.scalar(1), true);
    loss.backward();
    assertThat(x.grad().toDoubleArray()[0])
        .isEqualTo(2 * Math.E, org.assertj.core.api.Assertions.within(1e-5));
    assertThatThrownBy(loss::backward)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a second time");
  }

  @Test
  void noGradRecordsNothingAndDetachCutsTheGraph() {
    Tensor x = Tensor.ones(2).requiresGrad(true);
    try (NoGrad ignored = NoGrad.enter()) {
      Tensor y = x.mul(2);
      assertThat(y.requiresGrad()).isFalse();
      assertThat(y.gradFn()).isNull();
      assertThat(NoGrad.isGradEnabled()).isFalse();
    }
    assertThat(NoGrad.isGradEnabled()).isTrue();
    Tensor d = x.mul(2).detach();
    assertThat(d.requiresGrad()).isFalse();
    assertThat(d.isLeaf()).isTrue();
  }

  @Test
  void nonLeavesKeepTheirGradientOnlyWhenAsked() {
    Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
    Tensor h = x.mul(3).retainGrad();
    Tensor other = x.mul(4);
    h.mul(h).sum().add(other.sum()).backward();
    assertThat(h.grad().toFloatArray()).containsExactly(6, 12);
    assertThat(other.grad()).isNull();
    assertThat(x.grad().toFloatArray()).containsExactly(22, 40);
  }

  @Test
  void inPlaceUpdatesOfTrackedTensorsAreRefusedOutsideNoGrad() {
    Tensor w = Tensor.ones(2).requiresGrad(true);
    assertThatThrownBy(() -> w.addInPlace(Tensor.ones(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("in-place")
        .hasMessageContaining("NoGrad");
    try (NoGrad ignored = NoGrad.enter()) {
      w.addInPlace(Tensor.ones(2), -0.5);
    }
    assertThat(w.toFloatArray()).containsExactly(0.5f, 0.5f);
  }

  @Test
  void inPlaceScalarAddAndDivideRoundAsTheirOutOfPlaceForms() {
    Tensor x = Tensor.randn(new Generator(5), 4, 7);
    float[] divided = x.div(3.7).toFloatArray();
    float[] added = x.add(1e-3).toFloatArray();
    Tensor y = x.copy();
    assertThat(y.divInPlace(3.7)).isSameAs(y);
    assertThat(y.toFloatArray()).containsExactly(divided);
    Tensor z = x.copy();
    assertThat(z.addInPlace(1e-3)).isSameAs(z);
    assertThat(z.toFloatArray()).containsExactly(added);
    assertThat(Tensor.of(new float[] {1, 2}).divInPlace(4).addInPlace(1).toFloatArray())
        .containsExactly(1.25f, 1.5f);
    Tensor w = Tensor.ones(2).requiresGrad(true);
    assertThatThrownBy(() -> w.divInPlace(2)).hasMessageContaining("NoGrad");
    assertThatThrownBy(() -> w.addInPlace(2.0)).hasMessageContaining("NoGrad");
  }

  @Test
  void backwardNeedsAScalarOrAGradientOfTheRightShape() {
    Tensor x = Tensor.ones(2).requiresGrad(true);
    assertThatThrownBy(() -> x.mul(2).backward())
        .hasMessageContaining("scalar outputs")
        .hasMessageContaining("[2]");
    assertThatThrownBy(() -> x.mul(2).backward(Tensor.ones(3)))
        .hasMessageContaining("[3]")
        .hasMessageContaining("[2]");
    assertThatThrownBy(() -> Tensor.ones(2).sum().backward())
        .hasMessageContaining("does not require grad");
  }

  @Test
  void gradFnNamesAreReadable() {
    Tensor a = Tensor.ones(2, 2).requiresGrad(true);
    assertThat(a.matmul(a).gradFn().name()).isEqualTo("MmBackward");
    assertThat(a.add(a).gradFn().name()).isEqualTo("AddBackward");
    assertThat(a.sum().gradFn().name()).isEqualTo("SumBackward");
    assertThat(a.relu().gradFn().name()).isEqualTo("ReluBackward");
    assertThat(a.add(a).gradFn().inputs()).containsExactly(a, a);
  }

  @Test
  void broadcastShapeMismatchNamesBothShapes() {
    assertThatThrownBy(() -> Tensor.ones(2, 3).add(Tensor.ones(4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[2, 3]")
        .hasMessageContaining("[4]");
    assertThatThrownBy(() -> Tensor.ones(2, 3).matmul(Tensor.ones(2, 3)))
        .hasMessageContaining("2x3 and 2x3");
  }

  @Test
  void wrapSharesTheArrayAndOfCopiesIt() {
    float[] data = {1, 2, 3, 4};
    Tensor shared = Tensor.wrap(data, 2, 2);
    Tensor copied = Tensor.of(data, 2, 2);
    data[0] = 9;
    assertThat(shared.toFloatArray()[0]).isEqualTo(9);
    assertThat(copied.toFloatArray()[0]).isEqualTo(1);
    assertThatThrownBy(() -> Tensor.wrap(data, 3)).hasMessageContaining("[3]");
  }

  @Test
  void aDeepChainDoesNotOverflowTheStack() {
    Tensor x = Tensor.ones(1).requiresGrad(true);
    Tensor y = x;
    for (int i = 0; i < 20_000; i++) {
      y = y.mul(1.0);
    }
    y.sum().backward();
    assertThat(x.grad().toFloatArray()).containsExactly(1);
  }
}
