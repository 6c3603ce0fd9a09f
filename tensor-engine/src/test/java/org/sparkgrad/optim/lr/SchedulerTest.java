package org.sparkgrad.optim.lr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.sparkgrad.optim.SGD;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/** Scheduler construction, state dicts and validation. */
class SchedulerTest {

  private static SGD sgd() {
    return SchedulerGoldenTest.optimizer();
  }

  @Test
  void constructionPerformsTheFirstStep() {
    SGD opt = sgd();
    LinearLR warmup = new LinearLR(opt, 0.5, 1.0, 4);
    assertThat(warmup.lastEpoch()).isZero();
    assertThat(warmup.baseLrs()).containsExactly(0.1, 0.02);
    assertThat(warmup.getLastLr()).containsExactly(0.05, 0.01);
    assertThat(opt.paramGroups().get(0).lr()).isEqualTo(0.05);
    warmup.step();
    assertThat(opt.paramGroups().get(0).lr()).isEqualTo(0.1 * 0.625);
  }

  @Test
  void stepLrDecaysEveryStepSizeEpochs() {
    SGD opt = sgd();
    StepLR s = new StepLR(opt, 2);
    double[] expected = {0.1, 0.1, 0.01, 0.01, 0.001};
    for (int t = 0; t < expected.length; t++) {
      assertThat(opt.paramGroups().get(0).lr())
          .isCloseTo(expected[t], org.assertj.core.data.Offset.offset(1e-17));
      s.step();
    }
  }

  private static void roundTrip(Function<SGD, LRScheduler> make) {
    SGD straightOpt = sgd();
    LRScheduler straight = make.apply(straightOpt);
    for (int t = 0; t < 12; t++) {
      straight.step();
    }
    SGD firstOpt = sgd();
    LRScheduler first = make.apply(firstOpt);
    for (int t = 0; t < 5; t++) {
      first.step();
    }
    Map<String, Tensor> optState = firstOpt.stateDict();
    Map<String, Tensor> schedState = first.stateDict();
    SGD resumedOpt = sgd();
    LRScheduler resumed = make.apply(resumedOpt);
    resumedOpt.loadStateDict(optState);
    resumed.loadStateDict(schedState);
    assertThat(resumed.lastEpoch()).isEqualTo(5);
    assertThat(resumed.getLastLr()).isEqualTo(first.getLastLr());
    for (int t = 5; t < 12; t++) {
      resumed.step();
    }
    assertThat(resumed.getLastLr()).isEqualTo(straight.getLastLr());
    assertThat(resumedOpt.paramGroups().get(1).lr())
        .isEqualTo(straightOpt.paramGroups().get(1).lr());
  }

  @Test
  void stateDictRoundTrips() {
    roundTrip(o -> new StepLR(o, 3, 0.5));
    roundTrip(o -> new CosineAnnealingLR(o, 8, 0.001));
    roundTrip(o -> new LinearLR(o, 0.2, 1.0, 9));
  }

  @Test
  void stateDictLayout() {
    StepLR s = new StepLR(sgd(), 3, 0.5);
    s.step();
    Map<String, Tensor> sd = s.stateDict();
    assertThat(sd.keySet())
        .containsExactly("last_epoch", "base_lrs.0", "base_lrs.1", "last_lr.0", "last_lr.1");
    assertThat(sd.get("last_epoch").item()).isEqualTo(1.0);
    assertThat(sd.get("last_epoch").dtype()).isEqualTo(DType.FLOAT64);
    assertThat(sd.get("last_epoch").shape()).isEmpty();
    assertThat(sd.get("base_lrs.1").item()).isEqualTo(0.02);
  }

  @Test
  void badSchedulerStateDictsAreRejected() {
    StepLR s = new StepLR(sgd(), 3, 0.5);
    Map<String, Tensor> missing = new LinkedHashMap<>(s.stateDict());
    missing.remove("base_lrs.1");
    assertThatThrownBy(() -> s.loadStateDict(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("missing key 'base_lrs.1' in StepLR state dict");
    Map<String, Tensor> extra = new LinkedHashMap<>(s.stateDict());
    extra.put("base_lrs.2", Tensor.full(0.1, DType.FLOAT64));
    assertThatThrownBy(() -> s.loadStateDict(extra))
        .hasMessageStartingWith("unexpected key 'base_lrs.2' in StepLR state dict");
    Map<String, Tensor> fractional = new LinkedHashMap<>(s.stateDict());
    fractional.put("last_epoch", Tensor.full(2.5, DType.FLOAT64));
    assertThatThrownBy(() -> s.loadStateDict(fractional))
        .hasMessage("'last_epoch' must be a whole number >= 0, got 2.5");
    Map<String, Tensor> vector = new LinkedHashMap<>(s.stateDict());
    vector.put("last_lr.0", Tensor.zeros(DType.FLOAT64, 2));
    assertThatThrownBy(() -> s.loadStateDict(vector))
        .hasMessage("'last_lr.0' must be a one-element float tensor, got float64 of shape [2]");
    assertThat(s.lastEpoch()).isZero();
  }

  @Test
  void plateauStateRoundTripsMidPlateau() {
    double[] metrics = {1, 0.9, 0.95, 0.96, 0.97, 0.97, 0.8, 0.85, 0.86, 0.9, 0.9, 0.9};
    ReduceLROnPlateau.Options options =
        new ReduceLROnPlateau.Options().factor(0.5).patience(1).cooldown(1);
    SGD straightOpt = sgd();
    ReduceLROnPlateau straight = new ReduceLROnPlateau(straightOpt, options);
    for (double m : metrics) {
      straight.step(m);
    }
    SGD firstOpt = sgd();
    ReduceLROnPlateau first = new ReduceLROnPlateau(firstOpt, options);
    assertThat(first.getLastLr()).containsExactly(0.1, 0.02);
    for (int t = 0; t < 3; t++) {
      first.step(metrics[t]);
    }
    assertThat(first.numBadEpochs()).isEqualTo(1);
    SGD resumedOpt = sgd();
    ReduceLROnPlateau resumed = new ReduceLROnPlateau(resumedOpt, options);
    resumedOpt.loadStateDict(firstOpt.stateDict());
    resumed.loadStateDict(first.stateDict());
    assertThat(resumed.best()).isEqualTo(0.9);
    for (int t = 3; t < metrics.length; t++) {
      resumed.step(metrics[t]);
    }
    assertThat(resumed.getLastLr()).isEqualTo(straight.getLastLr());
    assertThat(resumed.lastEpoch()).isEqualTo(metrics.length);
    assertThat(straight.getLastLr().get(0)).isLessThan(0.1);
  }

  private static void rejected(ThrowingCallable build, String message) {
    assertThatThrownBy(build).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void badHyperParametersAreRejected() {
    SGD opt = sgd();
    rejected(() -> new StepLR(opt, 0), "stepSize must be >= 1, got 0");
    rejected(() -> new StepLR(opt, 2, -0.5), "gamma must be >= 0, got -0.5");
    rejected(() -> new CosineAnnealingLR(opt, 0), "tMax must be >= 1, got 0");
    rejected(() -> new CosineAnnealingLR(opt, 10, -1), "etaMin must be >= 0, got -1.0");
    rejected(() -> new LinearLR(opt, 0, 1, 5), "startFactor must be in (0, 1], got 0.0");
    rejected(() -> new LinearLR(opt, 0.5, 1.5, 5), "endFactor must be in [0, 1], got 1.5");
    rejected(() -> new LinearLR(opt, 0.5, 1, 0), "totalIters must be >= 1, got 0");
    rejected(() -> new StepLR(null, 2), "optimizer must not be null");
    ReduceLROnPlateau.Options o = new ReduceLROnPlateau.Options();
    rejected(() -> o.mode("mean"), "mode must be 'min' or 'max', got 'mean'");
    rejected(() -> o.factor(1.0), "factor must be in [0, 1), got 1.0");
    rejected(() -> o.patience(-1), "patience must be >= 0, got -1");
    rejected(() -> o.threshold(-1e-4), "threshold must be >= 0, got -1.0E-4");
    rejected(() -> o.thresholdMode("pct"), "thresholdMode must be 'rel' or 'abs', got 'pct'");
    rejected(() -> o.cooldown(-2), "cooldown must be >= 0, got -2");
    rejected(() -> o.minLr(-0.1), "minLr must be >= 0, got -0.1");
    rejected(() -> o.minLrs(0.1, -0.2), "minLrs[1] must be >= 0, got -0.2");
    rejected(() -> o.eps(-1), "eps must be >= 0, got -1.0");
    rejected(
        () -> new ReduceLROnPlateau(opt, new ReduceLROnPlateau.Options().minLrs(0.1)),
        "expected 2 minLrs (one per param group), got 1");
  }
}
