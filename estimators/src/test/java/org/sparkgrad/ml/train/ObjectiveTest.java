package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Tensor;

/**
 * The objectives' minibatch mean (per-row losses summed and divided by the rows' normalisers, as
 * the trainer does over partitions) and its gradient, against PyTorch 1.13
 * (golden/objective/gen_objective.py holds the same inputs).
 */
class ObjectiveTest {
  private static final float[] LOGITS = {
    1.5f, -0.3f, 0.2f, 0.1f, 2.0f, -1.0f, -0.7f, 0.4f, 0.9f, 0.3f, 0.3f, -2.0f, 2.2f, -1.1f, 0.5f
  };
  private static final float[] CLASSES = {0, 1, 2, 2, 1};
  private static final double[] WEIGHT = {0.5, 2.0, 1.25};
  private static final float[] ONE_LOGIT = {0.8f, -1.2f, 2.5f, 0.0f, -0.4f};
  private static final float[] BINARY = {1, 0, 1, 1, 0};
  private static final float[] MULTI = {1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0};

  private static Map<String, double[]> golden() throws IOException {
    Map<String, double[]> g = new HashMap<>();
    try (InputStream in =
        ObjectiveTest.class.getResourceAsStream("/golden/objective/objective_golden.txt")) {
      for (String line :
          new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().lines().toList()) {
        String[] parts = line.strip().split(" ", -1);
        double[] v = new double[parts.length - 1];
        for (int i = 1; i < parts.length; i++) {
          v[i - 1] = Double.parseDouble(parts[i]);
        }
        g.put(parts[0], v);
      }
    }
    return g;
  }

  /** Checks the normalised mean and its gradient against golden case {@code name}. */
  private static void check(
      String name, Objective o, float[] x, int cols, float[] labels, int labelDim)
      throws IOException {
    int rows = labels.length / labelDim;
    Tensor in = Tensor.of(x, rows, cols).requiresGrad(true);
    Tensor target = o.target(labels, rows, labelDim, Device.CPU);
    float[] norm = o.rowNormalisers(labels, rows, labelDim);
    double denominator = rows;
    if (norm != null) {
      denominator = 0;
      for (float v : norm) {
        denominator += v;
      }
    }
    Tensor mean = o.perRowLoss(in, target).sum().div(denominator);
    mean.backward();
    Map<String, double[]> g = golden();
    assertThat(mean.item()).as(name).isCloseTo(g.get(name)[0], within(1e-5));
    float[] grad = in.grad().toFloatArray();
    double[] expected = g.get(name + ".grad");
    assertThat(grad).hasSize(expected.length);
    for (int i = 0; i < grad.length; i++) {
      assertThat((double) grad[i])
          .as(name + " grad[" + i + "]")
          .isCloseTo(expected[i], within(1e-6));
    }
  }

  @Test
  void crossEntropyWithClassWeightsAndSmoothingIsPyTorchsWeightedMean() throws IOException {
    Objective ce = Objective.of("cross_entropy").withClassWeights(WEIGHT);
    check("ce_weight", ce, LOGITS, 3, CLASSES, 1);
    check("ce_weight_smooth", ce.withLabelSmoothing(0.1), LOGITS, 3, CLASSES, 1);
  }

  @Test
  void binaryLogitIsTwoClassCrossEntropy() throws IOException {
    Objective bce = Objective.of("bce_with_logits");
    check("bce_binary_smooth_as_ce", bce.withLabelSmoothing(0.2), ONE_LOGIT, 1, BINARY, 1);
    check(
        "bce_binary_weight_as_ce",
        bce.withClassWeights(new double[] {3.0, 0.5}),
        ONE_LOGIT,
        1,
        BINARY,
        1);
  }

  @Test
  void multiLabelClassWeightsArePyTorchsPerClassWeight() throws IOException {
    Objective ml = Objective.of("bce_with_logits").withMultiLabel(true).withClassWeights(WEIGHT);
    assertThat(ml.rowNormalisers(MULTI, 5, 3)).isNull();
    check("bce_multilabel_weight", ml, LOGITS, 3, MULTI, 3);
  }

  @Test
  void multiLabelAccuracyIsTheShareOfLabelsRight() {
    Objective ml = Objective.of("bce_with_logits").withMultiLabel(true);
    Tensor out = Tensor.of(new float[] {2, -1, 3, -2, -1, 0.5f}, 2, 3);
    Tensor y = ml.target(new float[] {1, 0, 0, 0, 1, 1}, 2, 3, Device.CPU);
    assertThat(ml.perRowMetric(out, y).toFloatArray()).containsExactly(2f / 3, 2f / 3);
  }

  @Test
  void scaledRegressionTrainsOnTheStandardisedTargetAndMeasuresInLabelUnits() {
    Objective mse = Objective.of("mse").withLabelScale(new float[] {150, -2}, new float[] {50, 4});
    Tensor y = mse.target(new float[] {200, 2, 100, -6}, 2, 2, Device.CPU);
    assertThat(y.toFloatArray()).containsExactly(1, 1, -1, -1);
    Tensor out = Tensor.of(new float[] {1.2f, 1, -1, -0.5f}, 2, 2);
    // Row 0 misses label 0 by 0.2 std = 10; row 1 misses label 1 by 0.5 std = 2.
    assertThat(mse.perRowMetric(out, y).toFloatArray())
        .containsExactly(
            new float[] {100f / 2, 4f / 2}, org.assertj.core.data.Offset.offset(1e-3f));
    assertThat(mse.perRowLoss(out, y).toFloatArray())
        .containsExactly(
            new float[] {0.04f / 2, 0.25f / 2}, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(mse.describe()).isEqualTo("mse labelScaling=standard");
    assertThat(Objective.MSE.describe()).isEqualTo("mse");
  }
}
