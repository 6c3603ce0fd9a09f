package org.sparkgrad.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/**
 * Every optimizer configuration against PyTorch 1.13 (golden/optim/gen_optim.py): the parameters
 * after each of 10 steps with fixed gradients, in float64 and float32, and the optimizer state
 * after the last step.
 */
class OptimizerGoldenTest {
  private static final GoldenFile GOLDEN = GoldenFile.load("optim_golden.txt");
  private static final int STEPS = 10;
  private static final int PARAMS = 3;

  static List<GoldenFile.Config> configs() {
    return GOLDEN.configs();
  }

  @ParameterizedTest(name = "{0} float64")
  @MethodSource("configs")
  void float64MatchesPyTorch(GoldenFile.Config config) {
    Optimizer opt = run(config, DType.FLOAT64, 1e-10, 1e-12);
    Map<String, Tensor> ours = opt.stateDict();
    TreeSet<String> ourKeys = new TreeSet<>();
    for (String k : ours.keySet()) {
      if (k.startsWith("state.")) {
        ourKeys.add(k);
      }
    }
    TreeSet<String> goldenKeys = new TreeSet<>();
    String prefix = "state." + config.name() + ".";
    for (String k : GOLDEN.keysStartingWith(prefix)) {
      String key = "state." + k.substring(prefix.length());
      goldenKeys.add(key);
      assertClose(
          ours.get(key).toDoubleArray(), GOLDEN.values(k), 1e-10, 1e-12, config + " " + key);
      assertThat(ours.get(key).shape()).as(key).isEqualTo(GOLDEN.shape(k));
    }
    assertThat(ourKeys).isEqualTo(goldenKeys);
  }

  @ParameterizedTest(name = "{0} float32")
  @MethodSource("configs")
  void float32MatchesPyTorch(GoldenFile.Config config) {
    run(config, DType.FLOAT32, 1e-5, 1e-6);
  }

  private static Optimizer run(GoldenFile.Config config, DType dtype, double rtol, double atol) {
    List<Tensor> params = new ArrayList<>();
    for (int i = 0; i < PARAMS; i++) {
      params.add(GOLDEN.tensor("init." + i, dtype).requiresGrad(true));
    }
    Optimizer opt = build(config, params);
    for (int t = 0; t < STEPS; t++) {
      for (int i = 0; i < PARAMS; i++) {
        String g = "grad." + t + "." + i;
        params.get(i).setGrad(GOLDEN.has(g) ? GOLDEN.tensor(g, dtype) : null);
      }
      opt.step();
      for (int i = 0; i < PARAMS; i++) {
        String key = dtype + "." + config.name() + "." + t + "." + i;
        assertClose(params.get(i).toDoubleArray(), GOLDEN.values(key), rtol, atol, key);
      }
    }
    assertThat(params.get(0).dtype()).isEqualTo(dtype);
    return opt;
  }

  static void assertClose(
      double[] actual, double[] expected, double rtol, double atol, String what) {
    assertThat(actual).as(what + " length").hasSize(expected.length);
    for (int i = 0; i < actual.length; i++) {
      double tol = atol + rtol * Math.abs(expected[i]);
      assertThat(Math.abs(actual[i] - expected[i]))
          .as("%s[%d]: got %s, expected %s", what, i, actual[i], expected[i])
          .isLessThanOrEqualTo(tol);
    }
  }

  /** The optimizer a golden configuration describes, over the three parameters. */
  static Optimizer build(GoldenFile.Config config, List<Tensor> params) {
    Map<String, Double> main = new LinkedHashMap<>();
    Map<String, Double> group1 = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : config.options().entrySet()) {
      double v = Double.parseDouble(e.getValue());
      if (e.getKey().startsWith("group1.")) {
        group1.put(e.getKey().substring("group1.".length()), v);
      } else {
        main.put(e.getKey(), v);
      }
    }
    List<ParamGroup> groups = null;
    if (!group1.isEmpty()) {
      ParamGroup second = new ParamGroup(params.subList(2, 3));
      group1.forEach(second::set);
      groups = List.of(new ParamGroup(params.subList(0, 2)), second);
    }
    switch (config.className()) {
      case "SGD" -> {
        SGD.Options o = new SGD.Options();
        main.forEach(
            (k, v) -> {
              switch (k) {
                case "lr" -> o.lr(v);
                case "momentum" -> o.momentum(v);
                case "dampening" -> o.dampening(v);
                case "weight_decay" -> o.weightDecay(v);
                case "nesterov" -> o.nesterov(v != 0);
                case "maximize" -> o.maximize(v != 0);
                default -> throw new IllegalArgumentException(k);
              }
            });
        return groups == null ? new SGD(params, o) : SGD.withGroups(groups, o);
      }
      case "Adam" -> {
        Adam.Options o = new Adam.Options();
        applyAdam(o, main);
        return groups == null ? new Adam(params, o) : Adam.withGroups(groups, o);
      }
      case "AdamW" -> {
        AdamW.Options o = new AdamW.Options();
        applyAdam(o, main);
        return groups == null ? new AdamW(params, o) : AdamW.withGroups(groups, o);
      }
      case "RMSprop" -> {
        RMSprop.Options o = new RMSprop.Options();
        main.forEach(
            (k, v) -> {
              switch (k) {
                case "lr" -> o.lr(v);
                case "momentum" -> o.momentum(v);
                case "alpha" -> o.alpha(v);
                case "eps" -> o.eps(v);
                case "weight_decay" -> o.weightDecay(v);
                case "centered" -> o.centered(v != 0);
                case "maximize" -> o.maximize(v != 0);
                default -> throw new IllegalArgumentException(k);
              }
            });
        return groups == null ? new RMSprop(params, o) : RMSprop.withGroups(groups, o);
      }
      default -> throw new IllegalArgumentException(config.className());
    }
  }

  private static void applyAdam(AdamOptions<?> o, Map<String, Double> options) {
    double beta1 = options.getOrDefault("beta1", 0.9);
    double beta2 = options.getOrDefault("beta2", 0.999);
    o.betas(beta1, beta2);
    options.forEach(
        (k, v) -> {
          switch (k) {
            case "lr" -> o.lr(v);
            case "eps" -> o.eps(v);
            case "weight_decay" -> o.weightDecay(v);
            case "amsgrad" -> o.amsgrad(v != 0);
            case "maximize" -> o.maximize(v != 0);
            case "beta1", "beta2" -> {}
            default -> throw new IllegalArgumentException(k);
          }
        });
  }
}
