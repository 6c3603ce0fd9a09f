package org.sparkgrad.optim;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparkgrad.tensor.Tensor;

/**
 * Stochastic gradient descent, optionally with momentum, as PyTorch 1.13's {@code torch.optim.SGD}.
 * For each parameter θ with gradient g at step t (γ = lr, λ = weight_decay, μ = momentum, τ =
 * dampening):
 *
 * <pre>
 * if maximize:  g ← −g
 * if λ ≠ 0:     g ← g + λ θ
 * if μ ≠ 0:
 *     if t = 1:  b ← g                      (the first buffer is the gradient, not dampened)
 *     else:      b ← μ b + (1 − τ) g
 *     if nesterov:  g ← g + μ b
 *     else:         g ← b
 * θ ← θ − γ g
 * </pre>
 *
 * <p>State per parameter: {@code momentum_buffer} (b), only when μ ≠ 0. There is no default
 * learning rate. Nesterov momentum needs μ &gt; 0 and τ = 0.
 */
public final class SGD extends Optimizer {

  /** SGD's hyper-parameters: lr (required), momentum 0, dampening 0, weight_decay 0. */
  public static final class Options extends OptimizerOptions<Options> {
    /** No learning rate (it must be set), no momentum, dampening or weight decay. */
    public Options() {
      super(defaults(Double.NaN, 0, 0, 0, false, false), Set.of("nesterov", "maximize"));
    }

    @Override
    protected Options self() {
      return this;
    }

    /** Sets the momentum factor μ. */
    public Options momentum(double momentum) {
      return put("momentum", momentum);
    }

    /** Sets the dampening τ of the momentum. */
    public Options dampening(double dampening) {
      return put("dampening", dampening);
    }

    /** Enables Nesterov momentum. */
    public Options nesterov(boolean nesterov) {
      return putFlag("nesterov", nesterov);
    }
  }

  /** Plain SGD on {@code params} with learning rate {@code lr}. */
  public SGD(List<Tensor> params, double lr) {
    this(params, new Options().lr(lr));
  }

  /**
   * SGD with momentum μ = {@code momentum}, as {@code optim.SGD(params, lr, momentum)} (PyTorch's
   * positional order).
   */
  public SGD(List<Tensor> params, double lr, double momentum) {
    this(params, new Options().lr(lr).momentum(momentum));
  }

  /** SGD on {@code params} with {@code options}. */
  public SGD(List<Tensor> params, Options options) {
    super(singleGroup(params), options);
  }

  private SGD(Options options, List<ParamGroup> groups) {
    super(groups, options);
  }

  /** SGD over several param groups; options a group does not set come from {@code defaults}. */
  public static SGD withGroups(List<ParamGroup> groups, Options defaults) {
    return new SGD(defaults, groups);
  }

  private static Map<String, Double> defaults(
      double lr,
      double momentum,
      double dampening,
      double weightDecay,
      boolean nesterov,
      boolean maximize) {
    // PyTorch's order of the keyword arguments.
    java.util.LinkedHashMap<String, Double> m = new java.util.LinkedHashMap<>();
    m.put("lr", lr);
    m.put("momentum", momentum);
    m.put("dampening", dampening);
    m.put("weight_decay", weightDecay);
    m.put("nesterov", nesterov ? 1.0 : 0.0);
    m.put("maximize", maximize ? 1.0 : 0.0);
    return m;
  }

  @Override
  protected void validate(ParamGroup group) {
    double lr = group.lr();
    if (Double.isNaN(lr)) {
      throw new IllegalArgumentException("SGD needs a learning rate: set lr (it has no default)");
    }
    HyperParams.nonNegative("learning rate", lr);
    HyperParams.nonNegative("momentum", group.get("momentum"));
    HyperParams.nonNegative("weight decay", group.weightDecay());
    double dampening = group.get("dampening");
    if (Double.isNaN(dampening)) {
      throw new IllegalArgumentException("dampening must be a number, got NaN");
    }
    if (group.getFlag("nesterov") && (group.get("momentum") <= 0 || dampening != 0)) {
      throw new IllegalArgumentException(
          "Nesterov momentum requires a momentum > 0 and zero dampening, got momentum "
              + group.get("momentum")
              + " and dampening "
              + dampening);
    }
  }

  @Override
  protected List<String> stateKeys(ParamGroup group) {
    return group.get("momentum") != 0 ? List.of("momentum_buffer") : List.of();
  }

  @Override
  protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
    double lr = group.lr();
    double momentum = group.get("momentum");
    double dampening = group.get("dampening");
    double weightDecay = group.weightDecay();
    Tensor d = group.getFlag("maximize") ? grad.neg() : grad;
    if (weightDecay != 0) {
      d = d.copy().addInPlace(param, weightDecay);
    }
    if (momentum != 0) {
      Tensor buf = state.get("momentum_buffer");
      if (buf == null) {
        buf = d.copy();
        state.put("momentum_buffer", buf);
      } else {
        buf.mulInPlace(momentum).addInPlace(d, 1 - dampening);
      }
      d = group.getFlag("nesterov") ? d.copy().addInPlace(buf, momentum) : buf;
    }
    param.addInPlace(d, -lr);
  }
}
