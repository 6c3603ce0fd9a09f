package org.sparkgrad.optim;

import static org.sparkgrad.optim.OptimizerGoldenTest.assertClose;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * Each optimizer and option combination, stepped in float64, against the update equations computed
 * by hand in plain doubles ({@link Reference}). Parameter 1 has no gradient at step 1, and the
 * gradient scale changes from step to step so that AMSGrad's maximum matters.
 */
class UpdateEquationsTest {
  private static final int STEPS = 5;
  private static final double[] SCALES = {1.0, 3.0, 0.1, 0.05, 2.0};

  private static void check(Function<List<Tensor>, Optimizer> make, Reference.Algorithm ref) {
    Generator gen = new Generator(7);
    List<Tensor> params = new ArrayList<>();
    params.add(Tensor.randn(gen, 3).to(DType.FLOAT64).requiresGrad(true));
    params.add(Tensor.randn(gen, 2, 2).to(DType.FLOAT64).requiresGrad(true));
    List<double[]> expected = new ArrayList<>();
    for (Tensor p : params) {
      expected.add(p.toDoubleArray());
    }
    Optimizer opt = make.apply(params);
    for (int t = 0; t < STEPS; t++) {
      for (int i = 0; i < params.size(); i++) {
        Tensor p = params.get(i);
        if (i == 1 && t == 1) {
          p.setGrad(null);
          continue;
        }
        Tensor g = Tensor.randn(gen, p.shape()).to(DType.FLOAT64).mul(SCALES[t]);
        p.setGrad(g);
        ref.step(i, expected.get(i), g.toDoubleArray());
      }
      opt.step();
      for (int i = 0; i < params.size(); i++) {
        assertClose(
            params.get(i).toDoubleArray(),
            expected.get(i),
            1e-12,
            1e-14,
            "step " + t + " param " + i);
      }
    }
  }

  // ------------------------------------------------------------ SGD

  @Test
  void sgdPlain() {
    check(p -> new SGD(p, 0.1), Reference.sgd(0.1, 0, 0, 0, false, false));
  }

  @Test
  void sgdWeightDecay() {
    check(
        p -> new SGD(p, new SGD.Options().lr(0.1).weightDecay(0.2)),
        Reference.sgd(0.1, 0, 0, 0.2, false, false));
  }

  @Test
  void sgdMomentum() {
    check(
        p -> new SGD(p, new SGD.Options().lr(0.1).momentum(0.9)),
        Reference.sgd(0.1, 0.9, 0, 0, false, false));
  }

  @Test
  void sgdMomentumWithDampeningLeavesTheFirstBufferUndampened() {
    check(
        p -> new SGD(p, new SGD.Options().lr(0.1).momentum(0.9).dampening(0.5)),
        Reference.sgd(0.1, 0.9, 0.5, 0, false, false));
  }

  @Test
  void sgdNesterov() {
    check(
        p -> new SGD(p, new SGD.Options().lr(0.1).momentum(0.9).nesterov(true)),
        Reference.sgd(0.1, 0.9, 0, 0, true, false));
  }

  @Test
  void sgdNesterovWithWeightDecay() {
    check(
        p -> new SGD(p, new SGD.Options().lr(0.05).momentum(0.7).nesterov(true).weightDecay(0.1)),
        Reference.sgd(0.05, 0.7, 0, 0.1, true, false));
  }

  @Test
  void sgdMaximize() {
    check(
        p -> new SGD(p, new SGD.Options().lr(0.1).momentum(0.5).weightDecay(0.1).maximize(true)),
        Reference.sgd(0.1, 0.5, 0, 0.1, false, true));
  }

  // ------------------------------------------------------------ Adam

  @Test
  void adamDefaults() {
    check(p -> new Adam(p), Reference.adam(1e-3, 0.9, 0.999, 1e-8, 0, false, false, false));
  }

  @Test
  void adamBetasAndEps() {
    check(
        p -> new Adam(p, new Adam.Options().lr(0.05).betas(0.8, 0.95).eps(1e-3)),
        Reference.adam(0.05, 0.8, 0.95, 1e-3, 0, false, false, false));
  }

  @Test
  void adamL2WeightDecay() {
    check(
        p -> new Adam(p, new Adam.Options().lr(0.01).weightDecay(0.3)),
        Reference.adam(0.01, 0.9, 0.999, 1e-8, 0.3, false, false, false));
  }

  @Test
  void adamAmsgrad() {
    check(
        p -> new Adam(p, new Adam.Options().lr(0.01).amsgrad(true)),
        Reference.adam(0.01, 0.9, 0.999, 1e-8, 0, true, false, false));
  }

  @Test
  void adamAmsgradMaximizeWeightDecay() {
    check(
        p ->
            new Adam(p, new Adam.Options().lr(0.02).amsgrad(true).maximize(true).weightDecay(0.05)),
        Reference.adam(0.02, 0.9, 0.999, 1e-8, 0.05, true, true, false));
  }

  // ------------------------------------------------------------ AdamW

  @Test
  void adamWDefaultDecouplesWeightDecayOf001() {
    check(
        p -> new AdamW(p, 0.01), Reference.adam(0.01, 0.9, 0.999, 1e-8, 0.01, false, false, true));
  }

  @Test
  void adamWAmsgrad() {
    check(
        p -> new AdamW(p, new AdamW.Options().lr(0.05).weightDecay(0.3).amsgrad(true)),
        Reference.adam(0.05, 0.9, 0.999, 1e-8, 0.3, true, false, true));
  }

  @Test
  void adamWMaximize() {
    check(
        p -> new AdamW(p, new AdamW.Options().lr(0.05).betas(0.5, 0.9).maximize(true)),
        Reference.adam(0.05, 0.5, 0.9, 1e-8, 0.01, false, true, true));
  }

  // ------------------------------------------------------------ RMSprop

  @Test
  void rmspropDefaults() {
    check(p -> new RMSprop(p), Reference.rmsprop(1e-2, 0.99, 1e-8, 0, 0, false, false));
  }

  @Test
  void rmspropAlphaEps() {
    check(
        p -> new RMSprop(p, new RMSprop.Options().lr(0.01).alpha(0.8).eps(1e-3)),
        Reference.rmsprop(0.01, 0.8, 1e-3, 0, 0, false, false));
  }

  @Test
  void rmspropWeightDecay() {
    check(
        p -> new RMSprop(p, new RMSprop.Options().weightDecay(0.2)),
        Reference.rmsprop(1e-2, 0.99, 1e-8, 0.2, 0, false, false));
  }

  @Test
  void rmspropMomentum() {
    check(
        p -> new RMSprop(p, new RMSprop.Options().momentum(0.9)),
        Reference.rmsprop(1e-2, 0.99, 1e-8, 0, 0.9, false, false));
  }

  @Test
  void rmspropCentered() {
    check(
        p -> new RMSprop(p, new RMSprop.Options().centered(true).alpha(0.9)),
        Reference.rmsprop(1e-2, 0.9, 1e-8, 0, 0, true, false));
  }

  @Test
  void rmspropCenteredMomentumWeightDecay() {
    check(
        p ->
            new RMSprop(
                p, new RMSprop.Options().lr(0.005).centered(true).momentum(0.5).weightDecay(0.01)),
        Reference.rmsprop(0.005, 0.99, 1e-8, 0.01, 0.5, true, false));
  }

  @Test
  void rmspropMaximize() {
    check(
        p -> new RMSprop(p, new RMSprop.Options().maximize(true).momentum(0.3)),
        Reference.rmsprop(1e-2, 0.99, 1e-8, 0, 0.3, false, true));
  }
}
