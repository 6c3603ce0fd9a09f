package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Backward's sums of the gradients of a tensor used several times, made in place after the first.
 */
class GradientSumTest {
  @Test
  void aTensorUsedFourTimesGetsTheSumOfItsFourGradients() {
    Tensor x = Tensor.of(new double[] {1, 2, -3}).requiresGrad(true);
    Tensor h = x.mul(2); // a non-leaf used four times below
    Tensor y = h.mul(h).add(h.mul(3)).add(h).sum();
    y.backward();
    // dy/dh = 2h + 3 + 1 = 4x + 4 (h used as both factors of h*h, in h*3 and alone); dy/dx = 2
    // dy/dh.
    assertThat(x.grad().toDoubleArray()).containsExactly(16, 24, -16);
  }

  @Test
  void aSumPassedOnToTwoInputsIsNotChangedThroughEither() {
    Tensor a = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    Tensor b = Tensor.of(new double[] {10, 20}).requiresGrad(true);
    Tensor s = a.add(b); // its backward hands one gradient tensor to both a and b
    Tensor h = s.mul(1);
    // h's gradient is a sum of three contributions, then goes on to a and b through s.
    Tensor y = h.add(h).add(h.mul(a)).sum();
    y.backward();
    // dy/dh = 2 + a; dy/da = dy/dh + h = 2 + a + a + b; dy/db = dy/dh = 2 + a.
    assertThat(a.grad().toDoubleArray()).containsExactly(14, 26);
    assertThat(b.grad().toDoubleArray()).containsExactly(3, 4);
  }
}
