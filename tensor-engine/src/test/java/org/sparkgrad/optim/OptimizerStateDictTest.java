package org.sparkgrad.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/** Saving and restoring optimizer state: round trips, the key layout, and rejected dicts. */
class OptimizerStateDictTest {

  /** Fixed float32 gradients for step {@code t} of parameter {@code i}. */
  private static Tensor grad(int t, int i, int[] shape) {
    return Tensor.randn(new Generator(1000L * t + i), shape).mul(t % 2 == 0 ? 1.0 : 0.2);
  }

  private static List<Tensor> params() {
    Generator gen = new Generator(3);
    return List.of(
        Tensor.randn(gen, 2, 3).requiresGrad(true), Tensor.randn(gen, 4).requiresGrad(true));
  }

  private static void steps(Optimizer opt, List<Tensor> params, int from, int to) {
    for (int t = from; t < to; t++) {
      for (int i = 0; i < params.size(); i++) {
        params.get(i).setGrad(grad(t, i, params.get(i).shape()));
      }
      opt.step();
    }
  }

  private static List<Tensor> copies(List<Tensor> params) {
    List<Tensor> out = new ArrayList<>();
    for (Tensor p : params) {
      out.add(p.detach().copy().requiresGrad(true));
    }
    return out;
  }

  /**
   * 3 steps, save, load into a fresh optimizer built with different hyper-parameters over copies of
   * the parameters, 3 more steps: the same as 6 uninterrupted steps, bit for bit.
   */
  private static void roundTrip(
      Function<List<Tensor>, Optimizer> make, Function<List<Tensor>, Optimizer> makeOther) {
    List<Tensor> straight = params();
    Optimizer reference = make.apply(straight);
    steps(reference, straight, 0, 6);

    List<Tensor> first = params();
    Optimizer before = make.apply(first);
    steps(before, first, 0, 3);
    Map<String, Tensor> saved = before.stateDict();
    List<Tensor> resumed = copies(first);
    Optimizer after = makeOther.apply(resumed);
    after.loadStateDict(saved);
    steps(after, resumed, 3, 6);

    for (int i = 0; i < straight.size(); i++) {
      assertThat(resumed.get(i).toFloatArray())
          .as("parameter %d", i)
          .containsExactly(straight.get(i).toFloatArray());
    }
    assertThat(after.paramGroups().get(0).options())
        .isEqualTo(reference.paramGroups().get(0).options());
    Map<String, Tensor> a = after.stateDict();
    Map<String, Tensor> b = reference.stateDict();
    assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
    for (String k : a.keySet()) {
      assertThat(a.get(k).toDoubleArray()).as(k).containsExactly(b.get(k).toDoubleArray());
    }
  }

  @Test
  void sgdNesterovRoundTrip() {
    roundTrip(
        p -> new SGD(p, new SGD.Options().lr(0.1).momentum(0.9).nesterov(true).weightDecay(0.01)),
        p -> new SGD(p, 0.5));
  }

  @Test
  void adamAmsgradRoundTrip() {
    roundTrip(
        p -> new Adam(p, new Adam.Options().lr(0.01).amsgrad(true).weightDecay(0.1)),
        p -> new Adam(p, 0.3));
  }

  @Test
  void adamWRoundTrip() {
    roundTrip(p -> new AdamW(p, new AdamW.Options().lr(0.02).betas(0.8, 0.9)), AdamW::new);
  }

  @Test
  void rmspropCenteredMomentumRoundTrip() {
    roundTrip(
        p -> new RMSprop(p, new RMSprop.Options().centered(true).momentum(0.5)), RMSprop::new);
  }

  @Test
  void groupsRoundTrip() {
    Function<List<Tensor>, Optimizer> make =
        p ->
            SGD.withGroups(
                List.of(
                    new ParamGroup(p.subList(0, 1)),
                    new ParamGroup(p.subList(1, 2)).setLr(0.01).set("momentum", 0.5)),
                new SGD.Options().lr(0.1).momentum(0.9));
    roundTrip(
        make,
        p ->
            SGD.withGroups(
                List.of(new ParamGroup(p.subList(0, 1)), new ParamGroup(p.subList(1, 2))),
                new SGD.Options().lr(1)));
  }

  @Test
  void keysDtypesAndShapesFollowTheDocumentedLayout() {
    List<Tensor> p = params();
    Adam adam = new Adam(p, new Adam.Options().lr(0.01));
    p.get(0).setGrad(grad(0, 0, p.get(0).shape()));
    adam.step(); // parameter 1 has no gradient: no state for it
    Map<String, Tensor> sd = adam.stateDict();
    assertThat(sd.keySet())
        .containsExactly(
            "state.0.step",
            "state.0.exp_avg",
            "state.0.exp_avg_sq",
            "param_groups.0.params",
            "param_groups.0.lr",
            "param_groups.0.beta1",
            "param_groups.0.beta2",
            "param_groups.0.eps",
            "param_groups.0.weight_decay",
            "param_groups.0.amsgrad",
            "param_groups.0.maximize");
    assertThat(sd.get("state.0.step").shape()).isEmpty();
    assertThat(sd.get("state.0.step").dtype()).isEqualTo(DType.FLOAT64);
    assertThat(sd.get("state.0.step").item()).isEqualTo(1.0);
    assertThat(sd.get("state.0.exp_avg").shape()).containsExactly(2, 3);
    assertThat(sd.get("state.0.exp_avg").dtype()).isEqualTo(DType.FLOAT32);
    assertThat(sd.get("param_groups.0.params").toLongArray()).containsExactly(0, 1);
    assertThat(sd.get("param_groups.0.lr").shape()).isEmpty();
    assertThat(sd.get("param_groups.0.lr").dtype()).isEqualTo(DType.FLOAT64);
    assertThat(sd.get("param_groups.0.lr").item()).isEqualTo(0.01);
    assertThat(sd.get("param_groups.0.beta2").item()).isEqualTo(0.999);
  }

  @Test
  void theStateDictIsASnapshot() {
    List<Tensor> p = params();
    SGD sgd = new SGD(p, new SGD.Options().lr(0.1).momentum(0.9));
    steps(sgd, p, 0, 1);
    Map<String, Tensor> sd = sgd.stateDict();
    float[] buffer = sd.get("state.0.momentum_buffer").toFloatArray();
    steps(sgd, p, 1, 2);
    sgd.paramGroups().get(0).setLr(0.7);
    assertThat(sd.get("state.0.momentum_buffer").toFloatArray()).containsExactly(buffer);
    assertThat(sd.get("param_groups.0.lr").item()).isEqualTo(0.1);
  }

  @Test
  void loadingConvertsToTheParameterDtype() {
    List<Tensor> p = params();
    SGD sgd = new SGD(p, new SGD.Options().lr(0.1).momentum(0.9));
    steps(sgd, p, 0, 1);
    Map<String, Tensor> sd = new LinkedHashMap<>(sgd.stateDict());
    Tensor buf = sd.get("state.1.momentum_buffer");
    sd.put("state.1.momentum_buffer", buf.to(DType.FLOAT64));
    SGD fresh = new SGD(copies(p), 0.1);
    fresh.loadStateDict(sd);
    Tensor loaded = fresh.stateDict().get("state.1.momentum_buffer");
    assertThat(loaded.dtype()).isEqualTo(DType.FLOAT32);
    assertThat(loaded.toFloatArray()).containsExactly(buf.toFloatArray());
  }

  // ------------------------------------------------------------ rejected state dicts

  private static Map<String, Tensor> adamState() {
    List<Tensor> p = params();
    Adam adam = new Adam(p, 0.01);
    steps(adam, p, 0, 2);
    return new LinkedHashMap<>(adam.stateDict());
  }

  private static void assertRejected(Map<String, Tensor> sd, String message) {
    List<Tensor> p = params();
    Adam target = new Adam(p, 0.5);
    steps(target, p, 0, 1);
    Map<String, Tensor> before = target.stateDict();
    assertThatThrownBy(() -> target.loadStateDict(sd))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
    // Nothing changed: the load is all or nothing.
    Map<String, Tensor> after = target.stateDict();
    assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
    for (String k : before.keySet()) {
      assertThat(after.get(k).toDoubleArray()).as(k).containsExactly(before.get(k).toDoubleArray());
    }
  }

  @Test
  void missingStateKeyIsNamed() {
    Map<String, Tensor> sd = adamState();
    sd.remove("state.1.exp_avg_sq");
    assertRejected(sd, "missing key 'state.1.exp_avg_sq' in Adam state dict");
  }

  @Test
  void missingGroupKeyIsNamed() {
    Map<String, Tensor> sd = adamState();
    sd.remove("param_groups.0.eps");
    assertRejected(sd, "missing key 'param_groups.0.eps' in Adam state dict");
  }

  @Test
  void unexpectedKeysAreNamed() {
    Map<String, Tensor> sd = adamState();
    sd.put("state.0.momentum_buffer", Tensor.zeros(2, 3));
    assertRejected(sd, "unexpected key 'state.0.momentum_buffer' in Adam state dict");
    Map<String, Tensor> foreign = adamState();
    foreign.put("model.weight", Tensor.zeros(2));
    assertRejected(foreign, "unexpected key 'model.weight'");
    Map<String, Tensor> amsgradKey = adamState();
    amsgradKey.put("state.0.max_exp_avg_sq", Tensor.zeros(2, 3));
    assertRejected(amsgradKey, "unexpected key 'state.0.max_exp_avg_sq'");
  }

  @Test
  void wrongShapeIsNamed() {
    Map<String, Tensor> sd = adamState();
    sd.put("state.0.exp_avg", Tensor.zeros(3, 2));
    assertRejected(sd, "'state.0.exp_avg' has shape [3, 2], but its parameter has shape [2, 3]");
  }

  @Test
  void groupSizeMismatchIsNamed() {
    Map<String, Tensor> sd = adamState();
    sd.put("param_groups.0.params", Tensor.ofLongs(new long[] {0, 1, 2}));
    assertRejected(
        sd, "'param_groups.0.params' lists 3 parameters, but param group 0 of this Adam has 2");
  }

  @Test
  void extraGroupIsNamed() {
    Map<String, Tensor> sd = adamState();
    sd.put("param_groups.1.lr", Tensor.full(0.1, DType.FLOAT64));
    assertRejected(sd, "the state dict has param group 1 (key 'param_groups.1.lr')");
  }

  @Test
  void invalidHyperParameterValueIsNamed() {
    Map<String, Tensor> sd = adamState();
    sd.put("param_groups.0.lr", Tensor.full(-0.1, DType.FLOAT64));
    assertRejected(sd, "param_groups.0: learning rate must be >= 0, got -0.1");
    Map<String, Tensor> flag = adamState();
    flag.put("param_groups.0.amsgrad", Tensor.full(0.5, DType.FLOAT64));
    assertRejected(flag, "param_groups.0: amsgrad is a boolean and must be 0 or 1, got 0.5");
  }

  @Test
  void stateForAnUnlistedParameterIsNamed() {
    Map<String, Tensor> sd = adamState();
    sd.put("state.5.step", Tensor.full(1, DType.FLOAT64));
    assertRejected(sd, "key 'state.5.step' refers to parameter 5");
  }

  @Test
  void nonScalarStepIsNamed() {
    Map<String, Tensor> sd = adamState();
    sd.put("state.0.step", Tensor.zeros(DType.FLOAT64, 2));
    assertRejected(sd, "'state.0.step' must be a one-element step count");
  }

  @Test
  void anotherOptimizersStateIsRejected() {
    List<Tensor> p = params();
    SGD sgd = new SGD(p, new SGD.Options().lr(0.1).momentum(0.9));
    steps(sgd, p, 0, 1);
    assertRejected(sgd.stateDict(), "unexpected key 'param_groups.0.momentum' in Adam state dict");
  }
}
