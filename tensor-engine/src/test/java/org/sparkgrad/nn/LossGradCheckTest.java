package org.sparkgrad.nn;

import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.loss.BCELoss;
import org.sparkgrad.nn.loss.BCEWithLogitsLoss;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.nn.loss.HuberLoss;
import org.sparkgrad.nn.loss.L1Loss;
import org.sparkgrad.nn.loss.MSELoss;
import org.sparkgrad.nn.loss.NLLLoss;
import org.sparkgrad.nn.loss.Reduction;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.GradCheck;
import org.sparkgrad.tensor.Tensor;

/** Central differences in float64 against autograd for every loss, option and reduction. */
class LossGradCheckTest {
  private final Generator gen = new Generator(3);
  private final Tensor labels = Tensor.ofLongs(new long[] {2, 0, 3, 1, 3});
  private final Tensor labelsIgnored = Tensor.ofLongs(new long[] {2, -100, 3, 1, -100});
  private final Tensor classWeight = Tensor.of(new double[] {0.5, 2.0, 1.0, 1.5});

  private Tensor x(int... shape) {
    return Tensor.randn(gen, shape).to(DType.FLOAT64).requiresGrad(true);
  }

  /** Uniform in [lo, hi), float64, requiring grad. */
  private Tensor uniform(double lo, double hi, int... shape) {
    return Tensor.rand(gen, shape)
        .to(DType.FLOAT64)
        .mul(hi - lo)
        .add(lo)
        .detach()
        .requiresGrad(true);
  }

  @Test
  void crossEntropyWithClassIndices() {
    for (Reduction r : Reduction.values()) {
      GradCheck.check(a -> new CrossEntropyLoss(r).forward(a[0], labels), x(5, 4));
      GradCheck.check(
          a -> new CrossEntropyLoss(classWeight, -100, r, 0.1).forward(a[0], labelsIgnored),
          x(5, 4));
      GradCheck.check(a -> new CrossEntropyLoss(null, 1, r, 0.3).forward(a[0], labels), x(5, 4));
      GradCheck.check(
          a -> new CrossEntropyLoss(classWeight, 3, r, 0).forward(a[0], labels), x(5, 4));
    }
  }

  @Test
  void crossEntropyWithProbabilityTargetsWrtInputAndTarget() {
    for (Reduction r : Reduction.values()) {
      Tensor probs = x(4, 3).softmax(1).detach().requiresGrad(true);
      GradCheck.check(
          a -> new CrossEntropyLoss(classWeight.narrow(0, 0, 3), -100, r, 0.2).forward(a[0], a[1]),
          x(4, 3),
          probs);
      GradCheck.check(a -> new CrossEntropyLoss(r).forward(a[0], a[1]), x(4, 3), probs);
    }
  }

  @Test
  void nllLoss() {
    for (Reduction r : Reduction.values()) {
      GradCheck.check(
          a -> new NLLLoss(classWeight, -100, r).forward(a[0].logSoftmax(1), labelsIgnored),
          x(5, 4));
      GradCheck.check(a -> new NLLLoss(null, 0, r).forward(a[0], labels), x(5, 4));
    }
  }

  @Test
  void regressionLossesWrtInputAndTarget() {
    for (Reduction r : Reduction.values()) {
      GradCheck.check(a -> new MSELoss(r).forward(a[0], a[1]), x(3, 4), x(3, 4));
      GradCheck.check(a -> new L1Loss(r).forward(a[0], a[1]), x(3, 4), x(3, 4));
      // Differences of 0.05..0.4 and 0.6..2 stay away from the kink at delta = 0.5.
      Tensor y = x(2, 4);
      Tensor d = Tensor.of(new double[] {0.05, -0.3, 0.4, -0.1, 0.6, -2.0, 1.3, -0.9}, 2, 4);
      Tensor input = y.add(d).detach().requiresGrad(true);
      GradCheck.check(a -> new HuberLoss(r, 0.5).forward(a[0], a[1]), input, y);
    }
  }

  @Test
  void bceWrtInputAndTargetWithWeights() {
    Tensor w = Tensor.of(new double[] {0.5, 1.0, 2.0, 1.5});
    for (Reduction r : Reduction.values()) {
      GradCheck.check(
          a -> new BCELoss(w, r).forward(a[0], a[1]), uniform(0.1, 0.9, 3, 4), uniform(0, 1, 3, 4));
      GradCheck.check(
          a -> new BCELoss(null, r).forward(a[0], a[1]), uniform(0.05, 0.95, 5), uniform(0, 1, 5));
    }
  }

  @Test
  void bceWithLogitsWrtInputTargetAndPosWeight() {
    Tensor w = Tensor.of(new double[] {0.5, 1.0, 2.0, 1.5});
    for (Reduction r : Reduction.values()) {
      // Includes a logit of exactly 0, where max(-x, 0) has its kink.
      Tensor logits =
          Tensor.of(new double[] {0, 3, -4, 1.5, -0.5, 0.2, 8, -0.1}, 2, 4).requiresGrad(true);
      GradCheck.check(
          a -> new BCEWithLogitsLoss(w, r, a[2]).forward(a[0], a[1]),
          logits,
          uniform(0, 1, 2, 4),
          uniform(0.5, 3, 4));
      GradCheck.check(
          a -> new BCEWithLogitsLoss(null, r, null).forward(a[0], a[1]),
          logits,
          uniform(0, 1, 2, 4));
    }
  }
}
