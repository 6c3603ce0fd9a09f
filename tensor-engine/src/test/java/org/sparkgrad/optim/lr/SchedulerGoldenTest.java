package org.sparkgrad.optim.lr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkgrad.optim.GoldenFile;
import org.sparkgrad.optim.ParamGroup;
import org.sparkgrad.optim.SGD;
import org.sparkgrad.tensor.Tensor;

/**
 * Each scheduler's learning rates over 30 steps, for two param groups (lr 0.1 and 0.02), against
 * PyTorch 1.13 (golden/optim/gen_optim.py; PyTorch's recursive forms).
 */
class SchedulerGoldenTest {
  private static final GoldenFile GOLDEN = GoldenFile.load("lr_golden.txt");
  private static final int STEPS = 30;

  static List<GoldenFile.Config> configs() {
    return GOLDEN.configs();
  }

  static SGD optimizer() {
    return SGD.withGroups(
        List.of(
            new ParamGroup(List.of(Tensor.zeros(1).requiresGrad(true))),
            new ParamGroup(List.of(Tensor.zeros(1).requiresGrad(true))).setLr(0.02)),
        new SGD.Options().lr(0.1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void learningRatesMatchPyTorch(GoldenFile.Config config) {
    SGD opt = optimizer();
    Map<String, String> o = config.options();
    double[][] lrs = new double[2][STEPS + 1];
    if (config.className().equals("ReduceLROnPlateau")) {
      ReduceLROnPlateau s = new ReduceLROnPlateau(opt, plateauOptions(o));
      double[] metrics =
          GOLDEN.values("max".equals(o.get("mode")) ? "metrics.accuracy" : "metrics.loss");
      record(lrs, 0, opt, s.getLastLr());
      for (int t = 0; t < STEPS; t++) {
        s.step(metrics[t]);
        record(lrs, t + 1, opt, s.getLastLr());
      }
    } else {
      LRScheduler s = scheduler(config.className(), o, opt);
      record(lrs, 0, opt, s.getLastLr());
      for (int t = 0; t < STEPS; t++) {
        s.step();
        assertThat(s.lastEpoch()).isEqualTo(t + 1);
        record(lrs, t + 1, opt, s.getLastLr());
      }
    }
    for (int g = 0; g < 2; g++) {
      double[] expected = GOLDEN.values("lrs." + config.name() + "." + g);
      for (int t = 0; t <= STEPS; t++) {
        assertThat(lrs[g][t])
            .as("%s group %d after %d steps", config, g, t)
            .isCloseTo(
                expected[t], org.assertj.core.data.Offset.offset(1e-15 + 1e-12 * expected[t]));
      }
    }
  }

  private static void record(double[][] lrs, int t, SGD opt, List<Double> lastLr) {
    for (int g = 0; g < 2; g++) {
      lrs[g][t] = opt.paramGroups().get(g).lr();
      assertThat(lastLr.get(g)).isEqualTo(lrs[g][t]);
    }
  }

  private static LRScheduler scheduler(String cls, Map<String, String> o, SGD opt) {
    return switch (cls) {
      case "StepLR" ->
          new StepLR(opt, Integer.parseInt(o.get("step_size")), Double.parseDouble(o.get("gamma")));
      case "CosineAnnealingLR" ->
          new CosineAnnealingLR(
              opt,
              Integer.parseInt(o.get("T_max")),
              Double.parseDouble(o.getOrDefault("eta_min", "0")));
      case "LinearLR" ->
          o.isEmpty()
              ? new LinearLR(opt)
              : new LinearLR(
                  opt,
                  Double.parseDouble(o.get("start_factor")),
                  Double.parseDouble(o.get("end_factor")),
                  Integer.parseInt(o.get("total_iters")));
      default -> throw new IllegalArgumentException(cls);
    };
  }

  private static ReduceLROnPlateau.Options plateauOptions(Map<String, String> o) {
    ReduceLROnPlateau.Options p = new ReduceLROnPlateau.Options();
    o.forEach(
        (k, v) -> {
          switch (k) {
            case "mode" -> p.mode(v);
            case "factor" -> p.factor(Double.parseDouble(v));
            case "patience" -> p.patience(Integer.parseInt(v));
            case "threshold" -> p.threshold(Double.parseDouble(v));
            case "threshold_mode" -> p.thresholdMode(v);
            case "cooldown" -> p.cooldown(Integer.parseInt(v));
            case "eps" -> p.eps(Double.parseDouble(v));
            case "min_lr" -> {
              String[] parts = v.split(",", -1);
              double[] mins = new double[parts.length];
              for (int i = 0; i < parts.length; i++) {
                mins[i] = Double.parseDouble(parts[i]);
              }
              p.minLrs(mins);
            }
            default -> throw new IllegalArgumentException(k);
          }
        });
    return p;
  }
}
