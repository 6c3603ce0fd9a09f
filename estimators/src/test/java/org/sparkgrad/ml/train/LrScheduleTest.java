package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.optim.SGD;
import org.sparkgrad.optim.lr.CosineAnnealingLR;
import org.sparkgrad.optim.lr.LRScheduler;
import org.sparkgrad.optim.lr.LinearLR;
import org.sparkgrad.optim.lr.StepLR;
import org.sparkgrad.tensor.Tensor;

/** The per-step learning rates agree with the engine's PyTorch schedulers. */
class LrScheduleTest {
  private static TrainingConfig config(String schedule, int warmup) {
    return new TrainingConfig(
        "sgd", 0.4, 0, 0, schedule, 2, 0.5, warmup, 0, 8, 6, 1, true, false, 0);
  }

  private static Optimizer sgd() {
    return new SGD(List.of(Tensor.zeros(1).requiresGrad(true)), 0.4);
  }

  @Test
  void cosineMatchesCosineAnnealingLrSteppedPerStep() {
    LrSchedule s = new LrSchedule(config("cosine", 0), 30);
    Optimizer opt = sgd();
    LRScheduler ref = new CosineAnnealingLR(opt, 30);
    for (int t = 0; t < 30; t++) {
      assertThat(s.at(t, t / 5)).isCloseTo(opt.paramGroups().get(0).lr(), within(1e-12));
      ref.step();
    }
  }

  @Test
  void linearMatchesLinearLrToZero() {
    LrSchedule s = new LrSchedule(config("linear", 0), 20);
    Optimizer opt = sgd();
    LRScheduler ref = new LinearLR(opt, 1.0, 0.0, 20);
    for (int t = 0; t < 20; t++) {
      assertThat(s.at(t, 0)).isCloseTo(opt.paramGroups().get(0).lr(), within(1e-12));
      ref.step();
    }
  }

  @Test
  void stepMatchesStepLrSteppedPerEpoch() {
    LrSchedule s = new LrSchedule(config("step", 0), 60);
    Optimizer opt = sgd();
    LRScheduler ref = new StepLR(opt, 2, 0.5);
    for (int epoch = 0; epoch < 6; epoch++) {
      for (int t = 0; t < 10; t++) {
        assertThat(s.at(epoch * 10L + t, epoch))
            .isCloseTo(opt.paramGroups().get(0).lr(), within(1e-12));
      }
      ref.step();
    }
  }

  @Test
  void warmUpRisesLinearlyThenTheScheduleStartsFromThePeak() {
    LrSchedule s = new LrSchedule(config("cosine", 4), 24);
    assertThat(s.at(0, 0)).isCloseTo(0.1, within(1e-12));
    assertThat(s.at(1, 0)).isCloseTo(0.2, within(1e-12));
    assertThat(s.at(3, 0)).isCloseTo(0.4, within(1e-12));
    assertThat(s.at(4, 0)).isCloseTo(0.4, within(1e-12));
    assertThat(s.at(14, 0)).isCloseTo(0.2, within(1e-12));
    assertThat(new LrSchedule(config("constant", 0), 24).at(17, 3)).isEqualTo(0.4);
  }
}
