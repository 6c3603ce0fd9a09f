package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.loss.Reduction;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * Layers built without a generator draw from the default generator, and {@code F}'s short forms
 * have PyTorch's defaults: each is compared with the explicit form it stands for.
 */
class PyTorchDefaultsTest {
  private static void assertSameState(Module actual, Module expected) {
    Map<String, Tensor> e = expected.stateDict();
    assertThat(actual.stateDict().keySet()).containsExactlyElementsOf(e.keySet());
    for (Map.Entry<String, Tensor> a : actual.stateDict().entrySet()) {
      assertThat(a.getValue().toFloatArray())
          .as(a.getKey())
          .containsExactly(e.get(a.getKey()).toFloatArray());
    }
  }

  @Test
  void layersWithoutAGeneratorDrawFromTheDefaultOne() {
    Tensor.manualSeed(5);
    Linear linear = new Linear(4, 3);
    assertSameState(linear, new Linear(4, 3, new Generator(5)));
    Tensor.manualSeed(5);
    Linear noBias = new Linear(4, 3, false);
    assertThat(noBias.bias()).isNull();
    assertSameState(noBias, new Linear(4, 3, false, new Generator(5)));

    Tensor.manualSeed(6);
    Conv2d conv = new Conv2d(2, 3, 3);
    assertSameState(conv, new Conv2d(2, 3, 3, new Generator(6)));
    assertThat(conv.toString()).isEqualTo("Conv2d(2, 3, kernel_size=(3, 3), stride=(1, 1))");
    Tensor.manualSeed(6);
    Conv2d strided = new Conv2d(2, 3, 3, 2, 1);
    assertSameState(strided, new Conv2d(2, 3, 3, 2, 1, true, new Generator(6)));
    assertThat(strided.toString())
        .isEqualTo("Conv2d(2, 3, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))");
    Tensor.manualSeed(6);
    assertSameState(new Conv2d(2, 3, 3, 1, 0, false), new Conv2d(2, 3, 3, 1, 0, false, 6L));

    Tensor.manualSeed(7);
    assertSameState(new Embedding(10, 3), new Embedding(10, 3, 7L));

    // Consecutive layers continue the sequence, as in PyTorch.
    Tensor.manualSeed(5);
    new Linear(4, 3);
    Linear second = new Linear(4, 3);
    Generator g = new Generator(5);
    new Linear(4, 3, g);
    assertSameState(second, new Linear(4, 3, g));
  }

  @Test
  void dropoutWithoutAGeneratorDrawsItsMasksFromTheDefaultOne() {
    Tensor x = Tensor.ones(6, 5);
    Dropout d = new Dropout(0.5);
    assertThat(d.generator()).isSameAs(Generator.defaultGenerator());
    Tensor.manualSeed(9);
    float[] masked = d.forward(x).toFloatArray();
    assertThat(masked).containsExactly(new Dropout(0.5, 9L).forward(x).toFloatArray());
    assertThat(masked).contains(0f, 2f);
    Tensor.manualSeed(9);
    assertThat(new Dropout().forward(x).toFloatArray()).containsExactly(masked);
    Tensor.manualSeed(9);
    assertThat(F.dropout(x).toFloatArray()).containsExactly(masked);
    Tensor.manualSeed(9);
    assertThat(F.dropout(x, 0.5).toFloatArray()).containsExactly(masked);
    assertThat(F.dropout(x, 0.5, false)).isSameAs(x);
    d.eval();
    assertThat(d.forward(x)).isSameAs(x);
    Generator own = new Generator(9);
    d.setGenerator(own);
    assertThat(d.generator()).isSameAs(own);
  }

  @Test
  void lossesAreMeansByDefault() {
    Tensor a = Tensor.tensor(new double[] {0.2, 0.9, 0.4, 3.0});
    Tensor b = Tensor.tensor(new double[] {0.0, 1.0, 1.0, 0.5});
    // |a - b| = 0.2, 0.1, 0.6, 2.5: the last is past Huber's delta of 1.
    assertThat(F.mseLoss(a, b).item()).isEqualTo(F.mseLoss(a, b, Reduction.MEAN).item());
    assertThat(F.mseLoss(a, b).item())
        .isCloseTo((0.04 + 0.01 + 0.36 + 6.25) / 4, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(F.l1Loss(a, b).item())
        .isCloseTo((0.2 + 0.1 + 0.6 + 2.5) / 4, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(F.huberLoss(a, b).item())
        .isCloseTo(
            (0.5 * 0.04 + 0.5 * 0.01 + 0.5 * 0.36 + (2.5 - 0.5)) / 4,
            org.assertj.core.data.Offset.offset(1e-6));
    Tensor p = Tensor.tensor(new double[] {0.2, 0.9, 0.4, 0.7});
    double bce = 0;
    double[] pv = {0.2, 0.9, 0.4, 0.7};
    double[] yv = {0, 1, 1, 0.5};
    for (int i = 0; i < 4; i++) {
      bce -= (yv[i] * Math.log(pv[i]) + (1 - yv[i]) * Math.log(1 - pv[i])) / 4;
    }
    assertThat(F.binaryCrossEntropy(p, b).item())
        .isCloseTo(bce, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(F.bce(p, b, null, Reduction.SUM).item())
        .isCloseTo(4 * bce, org.assertj.core.data.Offset.offset(1e-5));
    Tensor logits = Tensor.tensor(new double[] {-1.386294, 2.197225, -0.405465, 0.847298});
    assertThat(F.binaryCrossEntropyWithLogits(logits, b).item())
        .isCloseTo(bce, org.assertj.core.data.Offset.offset(1e-5));
    assertThat(F.bceWithLogits(logits, b, null, Reduction.NONE, null).shape()).containsExactly(4);
  }

  @Test
  void functionalShortForms() {
    Tensor x = Tensor.tensor(new double[] {-2, 3});
    assertThat(F.leakyRelu(x).toFloatArray()).containsExactly(-0.02f, 3f);
    Tensor img = Tensor.arange(0, 16, 1).reshape(1, 1, 4, 4);
    assertThat(F.maxPool2d(img, 2).toFloatArray()).containsExactly(5, 7, 13, 15);
    Tensor w = Tensor.ones(1, 1, 3, 3);
    assertThat(F.conv2d(img, w).toFloatArray()).containsExactly(45, 54, 81, 90);
    assertThat(F.conv2d(img, w, Tensor.tensor(new double[] {1})).toFloatArray())
        .containsExactly(46, 55, 82, 91);
    Tensor rows = Tensor.tensor(new double[][] {{1, 2, 3, 6}, {0, 0, 4, 4}});
    assertThat(F.layerNorm(rows, 4).toFloatArray())
        .containsExactly(F.layerNorm(rows, new int[] {4}, null, null, 1e-5).toFloatArray());
    assertThat(F.layerNorm(rows, 4).sum(1).toFloatArray()[0]).isCloseTo(0f, within());
    assertThat(F.oneHot(Tensor.tensor(new int[] {2, 0})).toLongArray())
        .containsExactly(0, 0, 1, 1, 0, 0);
  }

  private static org.assertj.core.data.Offset<Float> within() {
    return org.assertj.core.data.Offset.offset(1e-5f);
  }
}
