package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/** PyTorch's default initialisations, reproducible from the seed. */
class InitTest {
  private static double maxAbs(Tensor t) {
    double m = 0;
    for (double v : t.toDoubleArray()) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  /** Uniform on [-b, b]: every value inside, and the largest close to b (many draws). */
  private static void assertUniformWithin(Tensor t, double bound) {
    assertThat(maxAbs(t)).isLessThanOrEqualTo(bound).isGreaterThan(0.95 * bound);
    double mean = t.mean().item();
    assertThat(mean).isCloseTo(0, offset(0.1 * bound));
  }

  @Test
  void linearDrawsWeightAndBiasFromUOfOneOverSqrtFanIn() {
    Linear l = new Linear(400, 300, 0L);
    double bound = 1 / Math.sqrt(400);
    assertUniformWithin(l.weight(), bound);
    assertThat(maxAbs(l.bias())).isLessThanOrEqualTo(bound).isGreaterThan(0.9 * bound);
    assertThat(l.weight().requiresGrad()).isTrue();
    assertThat(l.weight().isLeaf()).isTrue();
  }

  @Test
  void theSameSeedGivesTheSameWeights() {
    assertThat(new Linear(5, 4, 9L).weight().toFloatArray())
        .isEqualTo(new Linear(5, 4, true, new Generator(9)).weight().toFloatArray())
        .isNotEqualTo(new Linear(5, 4, 10L).weight().toFloatArray());
    // The weight is drawn first, then the bias, from one stream.
    Generator g = new Generator(9);
    float[] expectedFirst = {(float) (-0.5 + 2 * 0.5 * g.nextDouble())};
    assertThat(new Linear(4, 4, 9L).weight().toFloatArray()[0]).isEqualTo(expectedFirst[0]);
  }

  @Test
  void conv2dUsesFanInOfChannelsTimesKernelArea() {
    Conv2d c = new Conv2d(8, 64, 3, 1, 1, true, 0L);
    double bound = 1 / Math.sqrt(8 * 3 * 3);
    assertThat(c.weight().shape()).containsExactly(64, 8, 3, 3);
    assertUniformWithin(c.weight(), bound);
    assertThat(maxAbs(c.bias())).isLessThanOrEqualTo(bound);
  }

  @Test
  void embeddingIsStandardNormal() {
    Embedding e = new Embedding(1000, 20, 0L);
    Tensor w = e.weight();
    double mean = w.mean().item();
    double var = w.sub(mean).pow(2).mean().item();
    assertThat(mean).isCloseTo(0, offset(0.03));
    assertThat(var).isCloseTo(1, offset(0.05));
  }

  @Test
  void normalisationLayersStartAsTheIdentityTransform() {
    LayerNorm ln = new LayerNorm(3, 4);
    assertThat(ln.getParameter("weight").toFloatArray()).containsOnly(1f);
    assertThat(ln.getParameter("bias").toFloatArray()).containsOnly(0f);
    assertThat(ln.normalizedShape()).containsExactly(3, 4);
    BatchNorm1d bn = new BatchNorm1d(5);
    assertThat(bn.getBuffer("running_mean").toFloatArray()).containsOnly(0f);
    assertThat(bn.getBuffer("running_var").toFloatArray()).containsOnly(1f);
    assertThat(bn.getBuffer("num_batches_tracked").dim()).isZero();
  }
}
