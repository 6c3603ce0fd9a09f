package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.GradCheck;
import org.sparkgrad.tensor.Tensor;

/**
 * {@link AvgPool2d} against values worked out by hand (PyTorch is not installed where these were
 * written; the expected values follow its documented formula with {@code count_include_pad=True})
 * and against central differences.
 */
class AvgPool2dTest {
  private static float[] range(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i + 1;
    }
    return v;
  }

  @Test
  void averagesNonOverlappingWindows() {
    Tensor x = Tensor.of(range(16), 1, 1, 4, 4);
    Tensor y = new AvgPool2d(2).forward(x);
    assertThat(y.shape()).containsExactly(1, 1, 2, 2);
    // windows {1,2,5,6}, {3,4,7,8}, {9,10,13,14}, {11,12,15,16}
    assertThat(y.toFloatArray()).containsExactly(3.5f, 5.5f, 11.5f, 13.5f);
  }

  @Test
  void paddingCountsAsZerosAndChannelsArePooledApart() {
    // two channels of a 2x2 image, kernel 2, stride 2, padding 1: each window holds one value
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2);
    Tensor y = new AvgPool2d(2, 2, 1).forward(x);
    assertThat(y.shape()).containsExactly(1, 2, 2, 2);
    assertThat(y.toFloatArray()).containsExactly(0.25f, 0.5f, 0.75f, 1f, 2.5f, 5f, 7.5f, 10f);
  }

  @Test
  void overlappingWindowsWithStrideOne() {
    Tensor x = Tensor.of(range(9), 1, 1, 3, 3);
    Tensor y = new AvgPool2d(2, 1, 0).forward(x);
    assertThat(y.toFloatArray()).containsExactly(3f, 4f, 6f, 7f);
  }

  @Test
  void gradientSharesEachWindowEvenly() {
    Tensor x = Tensor.of(range(16), 1, 1, 4, 4).requiresGrad(true);
    new AvgPool2d(3, 1, 0).forward(x).sum().backward();
    float[] g = x.grad().toFloatArray();
    // the 2x2 output windows of a 4x4 input: corners lie in 1 window, the centre 4 in 4
    assertThat(g[0]).isCloseTo(1f / 9, within(1e-6f));
    assertThat(g[1]).isCloseTo(2f / 9, within(1e-6f));
    assertThat(g[5]).isCloseTo(4f / 9, within(1e-6f));
    assertThat(g[15]).isCloseTo(1f / 9, within(1e-6f));
  }

  @Test
  void gradcheck() {
    Generator gen = new Generator(3);
    Tensor x = Tensor.randn(gen, 2, 3, 5, 5).to(DType.FLOAT64).requiresGrad(true);
    GradCheck.check(a -> new AvgPool2d(3, 2, 1).forward(a[0]), x);
    GradCheck.check(a -> new AvgPool2d(2).forward(a[0]).mul(a[0].sum()), x);
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> new AvgPool2d(2, 2, 2))
        .hasMessage("AvgPool2d: padding must be in [0, kernel_size / 2] = [0, 1], got 2");
    assertThatThrownBy(() -> new AvgPool2d(3).forward(Tensor.zeros(1, 1, 2, 2)))
        .hasMessageContaining("kernel size 3 is larger than the padded input");
    assertThatThrownBy(() -> new AvgPool2d(2).forward(Tensor.zeros(4, 4)))
        .hasMessage("AvgPool2d: expected a 4-D input [N, C, H, W], got shape [4, 4]");
    assertThat(new AvgPool2d(2).toString())
        .isEqualTo("AvgPool2d(kernel_size=2, stride=2, padding=0)");
  }
}
