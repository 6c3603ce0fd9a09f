package org.sparkgrad.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Tensor;

/** The Optimizer base: gradients, skipping, closures, param groups and their validation. */
class OptimizerTest {

  private static Tensor param(float... values) {
    return Tensor.of(values).requiresGrad(true);
  }

  @Test
  void zeroGradSetsGradientsToNoneOrZero() {
    Tensor a = param(1, 2);
    Tensor b = param(3);
    SGD sgd = new SGD(List.of(a, b), 0.1);
    a.setGrad(Tensor.of(new float[] {5, 6}));
    sgd.zeroGrad(false);
    assertThat(a.grad().toFloatArray()).containsExactly(0f, 0f);
    assertThat(b.grad()).isNull();
    sgd.zeroGrad();
    assertThat(a.grad()).isNull();
  }

  @Test
  void stepSkipsParametersWithoutGradientAndKeepsNoStateForThem() {
    Tensor a = param(1, 2);
    Tensor b = param(3);
    Adam adam = new Adam(List.of(a, b), 0.1);
    a.setGrad(Tensor.of(new float[] {1, -1}));
    adam.step();
    assertThat(b.toFloatArray()).containsExactly(3f);
    // Adam's first step moves each element by lr against the sign of its gradient.
    assertThat(a.toFloatArray()[0]).isCloseTo(0.9f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(a.toFloatArray()[1]).isCloseTo(2.1f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(adam.stateDict()).containsKey("state.0.step").doesNotContainKey("state.1.step");
  }

  @Test
  void stepWorksAfterBackwardOnLeavesThatRequireGrad() {
    Tensor w = param(1, -2, 3);
    SGD sgd = new SGD(List.of(w), 0.25);
    Tensor loss = w.mul(w).sum();
    loss.backward();
    sgd.step();
    // w - 0.25 * 2w = w / 2
    assertThat(w.toFloatArray()).containsExactly(0.5f, -1f, 1.5f);
    assertThat(w.requiresGrad()).isTrue();
  }

  @Test
  void stepWithClosureReturnsItsLoss() {
    Tensor w = param(2);
    SGD sgd = new SGD(List.of(w), 0.1);
    Tensor loss =
        sgd.step(
            () -> {
              sgd.zeroGrad();
              Tensor l = w.mul(w).sum();
              l.backward();
              return l;
            });
    assertThat(loss.item()).isEqualTo(4.0);
    assertThat(w.toFloatArray()[0]).isEqualTo(1.6f);
  }

  @Test
  void groupsTakeDefaultsForOptionsTheyDoNotSet() {
    Tensor a = param(1);
    Tensor b = param(2);
    SGD sgd =
        SGD.withGroups(
            List.of(new ParamGroup(List.of(a)), new ParamGroup(List.of(b)).setLr(0.01)),
            new SGD.Options().lr(0.1).momentum(0.9));
    ParamGroup first = sgd.paramGroups().get(0);
    ParamGroup second = sgd.paramGroups().get(1);
    assertThat(first.options().keySet())
        .containsExactly("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize");
    assertThat(first.lr()).isEqualTo(0.1);
    assertThat(second.lr()).isEqualTo(0.01);
    assertThat(second.get("momentum")).isEqualTo(0.9);
    assertThat(second.getFlag("nesterov")).isFalse();
    a.setGrad(Tensor.of(new float[] {1}));
    b.setGrad(Tensor.of(new float[] {1}));
    sgd.step();
    assertThat(a.toFloatArray()[0]).isEqualTo(0.9f);
    assertThat(b.toFloatArray()[0]).isEqualTo(1.99f);
  }

  @Test
  void addParamGroupAppendsWithDefaults() {
    Tensor a = param(1);
    Tensor b = param(2);
    Adam adam = new Adam(List.of(a), new Adam.Options().lr(0.5));
    adam.addParamGroup(new ParamGroup(List.of(b)).set("amsgrad", true));
    assertThat(adam.paramGroups()).hasSize(2);
    assertThat(adam.paramGroups().get(1).lr()).isEqualTo(0.5);
    assertThat(adam.paramGroups().get(1).getFlag("amsgrad")).isTrue();
    b.setGrad(Tensor.of(new float[] {1}));
    adam.step();
    assertThat(adam.stateDict()).containsKey("state.1.max_exp_avg_sq");
  }

  @Test
  void changesToAnAdoptedGroupAreValidatedAndRolledBack() {
    SGD sgd = new SGD(List.of(param(1)), 0.1);
    ParamGroup g = sgd.paramGroups().get(0);
    assertThatThrownBy(() -> g.setLr(-0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("learning rate must be >= 0, got -0.1");
    assertThat(g.lr()).isEqualTo(0.1);
    assertThatThrownBy(() -> g.set("momentun", 0.9))
        .hasMessage(
            "SGD has no option 'momentun'; its options are "
                + "[lr, momentum, dampening, weight_decay, nesterov, maximize]");
    assertThat(g.has("momentun")).isFalse();
    assertThatThrownBy(() -> g.set("nesterov", true))
        .hasMessageContaining("Nesterov momentum requires a momentum > 0");
    assertThat(g.getFlag("nesterov")).isFalse();
    g.setLr(0.2).set("momentum", 0.9).set("nesterov", true);
    assertThat(g.lr()).isEqualTo(0.2);
  }

  @Test
  void invalidParameterListsAreRejected() {
    Tensor a = param(1);
    assertThatThrownBy(() -> new SGD(List.of(), 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("optimizer got an empty parameter list");
    assertThatThrownBy(() -> new SGD(List.of(a, a), 0.1))
        .hasMessage("some parameters appear in more than one place (parameter 1 of param group 0)");
    assertThatThrownBy(() -> new SGD(List.of(a.mul(2)), 0.1))
        .hasMessage("can't optimize a non-leaf tensor (parameter 0 of param group 0)");
    assertThatThrownBy(() -> new SGD(List.of(Tensor.arange(3)), 0.1))
        .hasMessage(
            "can only optimize floating-point tensors, parameter 0 of param group 0 is int64");
    SGD sgd = new SGD(List.of(a), 0.1);
    assertThatThrownBy(() -> sgd.addParamGroup(new ParamGroup(List.of(a))))
        .hasMessage("some parameters appear in more than one place (parameter 0 of param group 1)");
    ParamGroup owned = sgd.paramGroups().get(0);
    assertThatThrownBy(() -> new SGD(List.of(param(2)), 0.1).addParamGroup(owned))
        .hasMessage("the param group already belongs to an optimizer");
  }
}
