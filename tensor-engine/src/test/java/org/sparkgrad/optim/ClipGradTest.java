package org.sparkgrad.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Tensor;

/** clipGradNorm and clipGradValue against values worked out by hand. */
class ClipGradTest {

  /** Parameters with gradients [3, 4] (2-norm 5) and [[12]] (2-norm 12), and one without. */
  private static List<Tensor> params() {
    Tensor a = Tensor.zeros(2).requiresGrad(true);
    a.setGrad(Tensor.of(new float[] {3, 4}));
    Tensor b = Tensor.zeros(1, 1).requiresGrad(true);
    b.setGrad(Tensor.of(new float[] {12}, 1, 1));
    Tensor none = Tensor.zeros(3).requiresGrad(true);
    return List.of(a, b, none);
  }

  private static void assertScaled(List<Tensor> p, double coef) {
    float c = (float) coef;
    assertThat(p.get(0).grad().toFloatArray()).containsExactly(3 * c, 4 * c);
    assertThat(p.get(1).grad().toFloatArray()).containsExactly(12 * c);
    assertThat(p.get(2).grad()).isNull();
  }

  @Test
  void twoNormOfAllGradientsTogetherIsClippedToMaxNorm() {
    List<Tensor> p = params();
    double total = ClipGrad.clipGradNorm(p, 6.5);
    assertThat(total).isEqualTo(13.0);
    assertScaled(p, 6.5 / (13.0 + 1e-6));
    // The clipped gradients have norm maxNorm (up to the 1e-6 guard and float rounding).
    assertThat(ClipGrad.clipGradNorm(p, 1e9))
        .isCloseTo(6.5, org.assertj.core.data.Offset.offset(1e-5));
  }

  @Test
  void gradientsUnderMaxNormAreLeftAlone() {
    List<Tensor> p = params();
    assertThat(ClipGrad.clipGradNorm(p, 13.0, 2)).isEqualTo(13.0);
    // 13 / (13 + 1e-6) < 1: PyTorch scales even at exactly maxNorm.
    assertScaled(p, 13.0 / (13.0 + 1e-6));
    List<Tensor> q = params();
    assertThat(ClipGrad.clipGradNorm(q, 20.0, 2)).isEqualTo(13.0);
    assertScaled(q, 1.0);
  }

  @Test
  void infinityNormIsTheLargestMagnitude() {
    List<Tensor> p = params();
    p.get(0).grad().copyFrom(Tensor.of(new float[] {-15, 4}));
    double total = ClipGrad.clipGradNorm(p, 6.0, Double.POSITIVE_INFINITY);
    assertThat(total).isEqualTo(15.0);
    float c = (float) (6.0 / (15.0 + 1e-6));
    assertThat(p.get(0).grad().toFloatArray()).containsExactly(-15 * c, 4 * c);
    assertThat(p.get(1).grad().toFloatArray()).containsExactly(12 * c);
  }

  @Test
  void otherNormOrders() {
    assertThat(ClipGrad.clipGradNorm(params(), 100, 1)).isEqualTo(19.0);
    assertThat(ClipGrad.clipGradNorm(params(), 100, 3))
        .isCloseTo(Math.cbrt(27 + 64 + 1728), org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void noGradientsMeansNormZero() {
    Tensor a = Tensor.zeros(2).requiresGrad(true);
    assertThat(ClipGrad.clipGradNorm(List.of(a), 1.0)).isEqualTo(0.0);
    assertThat(a.grad()).isNull();
  }

  @Test
  void nonFiniteNorm() {
    List<Tensor> p = params();
    p.get(0).grad().copyFrom(Tensor.of(new float[] {Float.NaN, 1}));
    assertThatThrownBy(() -> ClipGrad.clipGradNorm(p, 1.0, 2, true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the total norm of order 2.0 for gradients is NaN");
    assertThat(p.get(1).grad().toFloatArray()).containsExactly(12f);
    assertThat(ClipGrad.clipGradNorm(p, 1.0, 2)).isNaN();
    assertThat(p.get(1).grad().toFloatArray()[0]).isNaN();
  }

  @Test
  void clipGradValueClampsEachElement() {
    Tensor a = Tensor.zeros(3).requiresGrad(true);
    a.setGrad(Tensor.of(new float[] {-3, 0.5f, 2}));
    Tensor none = Tensor.zeros(1).requiresGrad(true);
    ClipGrad.clipGradValue(List.of(a, none), 1.0);
    assertThat(a.grad().toFloatArray()).containsExactly(-1f, 0.5f, 1f);
    assertThat(none.grad()).isNull();
  }

  @Test
  void invalidArgumentsAreRejected() {
    assertThatThrownBy(() -> ClipGrad.clipGradNorm(params(), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxNorm must be >= 0, got -1.0");
    assertThatThrownBy(() -> ClipGrad.clipGradNorm(params(), 1, 0))
        .hasMessage("normType must be > 0 or infinity, got 0.0");
    assertThatThrownBy(() -> ClipGrad.clipGradValue(params(), -0.5))
        .hasMessage("clipValue must be >= 0, got -0.5");
  }
}
