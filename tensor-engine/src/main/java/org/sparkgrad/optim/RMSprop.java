package org.sparkgrad.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparkgrad.tensor.Tensor;

/**
 * RMSprop, as PyTorch 1.13's {@code torch.optim.RMSprop}. For each parameter θ with gradient g (γ =
 * lr, α = alpha, λ = weight_decay, μ = momentum, ε = eps; v, ḡ, b start at 0):
 *
 * <pre>
 * if maximize:  g ← −g
 * if λ ≠ 0:     g ← g + λ θ
 * v ← α v + (1 − α) g²
 * if centered:  ḡ ← α ḡ + (1 − α) g;   a ← √(v − ḡ²) + ε
 * else:         a ← √v + ε
 * if μ &gt; 0:    b ← μ b + g / a;   θ ← θ − γ b
 * else:         θ ← θ − γ g / a
 * </pre>
 *
 * <p>ε is added after the square root (TensorFlow adds it inside). Defaults: lr 1e-2, alpha 0.99,
 * eps 1e-8, weight_decay 0, momentum 0, centered false. State per parameter: {@code step}, {@code
 * square_avg} (v), {@code momentum_buffer} (b) when μ &gt; 0, {@code grad_avg} (ḡ) when centered.
 */
public final class RMSprop extends Optimizer {

  /** RMSprop's hyper-parameters, starting from PyTorch's defaults. */
  public static final class Options extends OptimizerOptions<Options> {
    /** lr 1e-2, alpha 0.99, eps 1e-8, weight_decay 0, momentum 0, centered false. */
    public Options() {
      super(defaults(), Set.of("centered", "maximize"));
    }

    private static Map<String, Double> defaults() {
      LinkedHashMap<String, Double> m = new LinkedHashMap<>();
      m.put("lr", 1e-2);
      m.put("momentum", 0.0);
      m.put("alpha", 0.99);
      m.put("eps", 1e-8);
      m.put("centered", 0.0);
      m.put("weight_decay", 0.0);
      m.put("maximize", 0.0);
      return m;
    }

    @Override
    protected Options self() {
      return this;
    }

    /** Sets the smoothing constant α of the squared-gradient average. */
    public Options alpha(double alpha) {
      return put("alpha", alpha);
    }

    /** Sets the term added to the denominator for numerical stability. */
    public Options eps(double eps) {
      return put("eps", eps);
    }

    /** Sets the momentum factor μ. */
    public Options momentum(double momentum) {
      return put("momentum", momentum);
    }

    /** Normalizes the gradient by an estimate of its variance instead of its second moment. */
    public Options centered(boolean centered) {
      return putFlag("centered", centered);
    }
  }

  /** RMSprop on {@code params} with PyTorch's defaults. */
  public RMSprop(List<Tensor> params) {
    this(params, new Options());
  }

  /** RMSprop on {@code params} with learning rate {@code lr} and otherwise the defaults. */
  public RMSprop(List<Tensor> params, double lr) {
    this(params, new Options().lr(lr));
  }

  /** RMSprop on {@code params} with {@code options}. */
  public RMSprop(List<Tensor> params, Options options) {
    super(singleGroup(params), options);
  }

  private RMSprop(Options options, List<ParamGroup> groups) {
    super(groups, options);
  }

  /** RMSprop over several param groups; options a group does not set come from {@code defaults}. */
  public static RMSprop withGroups(List<ParamGroup> groups, Options defaults) {
    return new RMSprop(defaults, groups);
  }

  @Override
  protected void validate(ParamGroup group) {
    HyperParams.nonNegative("learning rate", group.lr());
    HyperParams.nonNegative("epsilon", group.get("eps"));
    HyperParams.nonNegative("momentum", group.get("momentum"));
    HyperParams.nonNegative("weight decay", group.weightDecay());
    HyperParams.nonNegative("alpha", group.get("alpha"));
  }

  @Override
  protected List<String> stateKeys(ParamGroup group) {
    List<String> keys = new ArrayList<>(List.of(STEP, "square_avg"));
    if (group.get("momentum") > 0) {
      keys.add("momentum_buffer");
    }
    if (group.getFlag("centered")) {
      keys.add("grad_avg");
    }
    return keys;
  }

  @Override
  protected void update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
    double lr = group.lr();
    double alpha = group.get("alpha");
    double momentum = group.get("momentum");
    double weightDecay = group.weightDecay();
    Tensor g = group.getFlag("maximize") ? grad.neg() : grad;
    incrementStep(state);
    Tensor squareAvg = buffer(state, "square_avg", param);
    if (weightDecay != 0) {
      g = g.copy().addInPlace(param, weightDecay);
    }
    squareAvg.mulInPlace(alpha).addInPlace(g.mul(g), 1 - alpha);
    Tensor avg;
    if (group.getFlag("centered")) {
      Tensor gradAvg = buffer(state, "grad_avg", param);
      gradAvg.mulInPlace(alpha).addInPlace(g, 1 - alpha);
      avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
    } else {
      avg = squareAvg.sqrt();
    }
    avg = avg.add(group.get("eps"));
    if (momentum > 0) {
      Tensor buf = buffer(state, "momentum_buffer", param);
      buf.mulInPlace(momentum).addInPlace(g.div(avg));
      param.addInPlace(buf, -lr);
    } else {
      param.addInPlace(g.div(avg), -lr);
    }
  }
}
