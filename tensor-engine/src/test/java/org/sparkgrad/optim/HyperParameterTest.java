package org.sparkgrad.optim;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Tensor;

/** Every invalid hyper-parameter is rejected when the optimizer is built, with a clear message. */
class HyperParameterTest {
  private static final List<Tensor> P = List.of(Tensor.zeros(2).requiresGrad(true));

  private static void rejected(ThrowingCallable build, String message) {
    assertThatThrownBy(build).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void sgd() {
    rejected(() -> new SGD(P, -0.1), "learning rate must be >= 0, got -0.1");
    rejected(
        () -> new SGD(P, new SGD.Options().momentum(0.9)),
        "SGD needs a learning rate: set lr (it has no default)");
    rejected(
        () -> new SGD(P, new SGD.Options().lr(0.1).momentum(-0.5)),
        "momentum must be >= 0, got -0.5");
    rejected(
        () -> new SGD(P, new SGD.Options().lr(0.1).weightDecay(-1)),
        "weight decay must be >= 0, got -1.0");
    rejected(
        () -> new SGD(P, new SGD.Options().lr(0.1).nesterov(true)),
        "Nesterov momentum requires a momentum > 0 and zero dampening, got momentum 0.0 and"
            + " dampening 0.0");
    rejected(
        () -> new SGD(P, new SGD.Options().lr(0.1).momentum(0.9).dampening(0.1).nesterov(true)),
        "Nesterov momentum requires a momentum > 0 and zero dampening, got momentum 0.9 and"
            + " dampening 0.1");
    rejected(
        () -> new SGD(P, new SGD.Options().lr(0.1).dampening(Double.NaN)),
        "dampening must be a number, got NaN");
  }

  @Test
  void adam() {
    rejected(() -> new Adam(P, -0.1), "learning rate must be >= 0, got -0.1");
    rejected(() -> new Adam(P, Double.NaN), "learning rate must be >= 0, got NaN");
    rejected(
        () -> new Adam(P, new Adam.Options().betas(1.0, 0.999)),
        "betas[0] must be in [0, 1), got 1.0");
    rejected(
        () -> new Adam(P, new Adam.Options().betas(0.9, -0.1)),
        "betas[1] must be in [0, 1), got -0.1");
    rejected(() -> new Adam(P, new Adam.Options().eps(-1e-8)), "epsilon must be >= 0, got -1.0E-8");
    rejected(
        () -> new Adam(P, new Adam.Options().weightDecay(-0.01)),
        "weight decay must be >= 0, got -0.01");
  }

  @Test
  void adamW() {
    rejected(() -> new AdamW(P, -1), "learning rate must be >= 0, got -1.0");
    rejected(
        () -> new AdamW(P, new AdamW.Options().betas(0.9, 1.5)),
        "betas[1] must be in [0, 1), got 1.5");
    rejected(
        () -> new AdamW(P, new AdamW.Options().weightDecay(-0.01)),
        "weight decay must be >= 0, got -0.01");
  }

  @Test
  void rmsprop() {
    rejected(() -> new RMSprop(P, -0.1), "learning rate must be >= 0, got -0.1");
    rejected(
        () -> new RMSprop(P, new RMSprop.Options().alpha(-0.1)), "alpha must be >= 0, got -0.1");
    rejected(() -> new RMSprop(P, new RMSprop.Options().eps(-1)), "epsilon must be >= 0, got -1.0");
    rejected(
        () -> new RMSprop(P, new RMSprop.Options().momentum(-0.9)),
        "momentum must be >= 0, got -0.9");
    rejected(
        () -> new RMSprop(P, new RMSprop.Options().weightDecay(-1)),
        "weight decay must be >= 0, got -1.0");
  }

  @Test
  void groupOptionsAreCheckedWithTheGroupNamed() {
    List<Tensor> two =
        List.of(Tensor.zeros(1).requiresGrad(true), Tensor.zeros(1).requiresGrad(true));
    rejected(
        () ->
            SGD.withGroups(
                List.of(
                    new ParamGroup(two.subList(0, 1)), new ParamGroup(two.subList(1, 2)).setLr(-1)),
                new SGD.Options().lr(0.1)),
        "learning rate must be >= 0, got -1.0 (param group 1)");
    rejected(
        () ->
            Adam.withGroups(List.of(new ParamGroup(two).set("momentum", 0.9)), new Adam.Options()),
        "Adam has no option 'momentum'; its options are "
            + "[lr, beta1, beta2, eps, weight_decay, amsgrad, maximize]");
    rejected(
        () -> Adam.withGroups(List.of(new ParamGroup(two).set("amsgrad", 2)), new Adam.Options()),
        "amsgrad is a boolean and must be 0 or 1, got 2.0");
  }
}
