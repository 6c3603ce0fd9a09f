package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.GradCheck;
import org.sparkgrad.tensor.Tensor;

/**
 * {@link BatchNorm2d} against values worked out by hand (PyTorch is not installed where these were
 * written; the expected values follow its documented formulas), the state-dict names PyTorch uses,
 * and central differences.
 */
class BatchNorm2dTest {
  /** Two images of two channels, 1x2 each: channel 0 holds 1, 2, 3, 4; channel 1 holds 10 x 4. */
  private static Tensor input() {
    return Tensor.of(new float[] {1, 2, 10, 10, 3, 4, 10, 10}, 2, 2, 1, 2);
  }

  @Test
  void trainingNormalisesEachChannelOverBatchAndSpaceAndUpdatesRunningStats() {
    BatchNorm2d bn = new BatchNorm2d(2);
    Tensor y = bn.forward(input());
    // channel 0: mean 2.5, biased variance 1.25; channel 1: mean 10, variance 0
    double sd = Math.sqrt(1.25 + 1e-5);
    float[] v = y.toFloatArray();
    float[] expected = {
      (float) (-1.5 / sd), (float) (-0.5 / sd), 0, 0, (float) (0.5 / sd), (float) (1.5 / sd), 0, 0
    };
    for (int i = 0; i < v.length; i++) {
      assertThat(v[i]).as("element %d", i).isCloseTo(expected[i], within(1e-5f));
    }
    // running = 0.9 running + 0.1 batch, with the unbiased variance (n = 4: 1.25 * 4 / 3)
    assertThat(bn.getBuffer("running_mean").toFloatArray())
        .containsExactly(new float[] {0.25f, 1f}, within(1e-6f));
    assertThat(bn.getBuffer("running_var").toFloatArray())
        .containsExactly(new float[] {0.9f + 0.1f * 5f / 3f, 0.9f}, within(1e-6f));
    assertThat(bn.getBuffer("num_batches_tracked").item()).isEqualTo(1.0);
  }

  @Test
  void evaluationUsesTheRunningStatistics() {
    BatchNorm2d bn = new BatchNorm2d(2);
    bn.eval();
    // fresh running statistics (mean 0, variance 1): y = x / sqrt(1 + eps)
    float[] y = bn.forward(input()).toFloatArray();
    assertThat(y[0]).isCloseTo((float) (1 / Math.sqrt(1 + 1e-5)), within(1e-6f));
    assertThat(bn.getBuffer("num_batches_tracked").item()).isEqualTo(0.0);
  }

  @Test
  void stateDictHasPyTorchsNamesAndTheReprIsPyTorchs() {
    Map<String, Tensor> sd = new Sequential(new BatchNorm2d(3)).stateDict();
    assertThat(sd.keySet())
        .containsExactly(
            "0.weight", "0.bias", "0.running_mean", "0.running_var", "0.num_batches_tracked");
    assertThat(new BatchNorm2d(3).toString())
        .isEqualTo(
            "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  }

  @Test
  void gradcheckInTrainingAndEvaluation() {
    Generator gen = new Generator(5);
    Tensor x = Tensor.randn(gen, 3, 2, 2, 3).to(DType.FLOAT64).requiresGrad(true);
    Tensor w = Tensor.randn(gen, 2).to(DType.FLOAT64).requiresGrad(true);
    Tensor b = Tensor.randn(gen, 2).to(DType.FLOAT64).requiresGrad(true);
    BatchNorm2d bn = new BatchNorm2d(2, 1e-5, 0.1, true, false);
    bn.to(DType.FLOAT64);
    GradCheck.check(
        a -> {
          bn.registerParameter("weight", a[1]);
          bn.registerParameter("bias", a[2]);
          return bn.forward(a[0]);
        },
        x,
        w,
        b);
    BatchNorm2d tracked = new BatchNorm2d(2);
    tracked.to(DType.FLOAT64);
    tracked.eval();
    GradCheck.check(a -> tracked.forward(a[0]), x);
  }

  @Test
  void badInputIsNamed() {
    assertThatThrownBy(() -> new BatchNorm2d(2).forward(Tensor.zeros(2, 3, 2, 2)))
        .hasMessage(
            "BatchNorm2d(2): expected 2 channels in dimension 1, got input of shape [2, 3, 2, 2]");
    assertThatThrownBy(() -> new BatchNorm2d(2).forward(Tensor.zeros(2, 2)))
        .hasMessage("BatchNorm2d: expected 4D input (got 2D input of shape [2, 2])");
    assertThatThrownBy(() -> new BatchNorm2d(2).forward(Tensor.zeros(1, 2, 1, 1)))
        .hasMessageContaining("expected more than 1 value per channel when training");
  }
}
