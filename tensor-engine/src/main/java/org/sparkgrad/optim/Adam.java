package org.sparkgrad.optim;

import java.util.List;
import org.sparkgrad.tensor.Tensor;

/**
 * Adam, as PyTorch 1.13's {@code torch.optim.Adam}, with weight decay as an L2 penalty added to the
 * gradient. For each parameter θ with gradient g at step t (γ = lr, β₁, β₂ = betas, λ =
 * weight_decay, ε = eps; m, v, v_max start at 0):
 *
 * <pre>
 * if maximize:  g ← −g
 * if λ ≠ 0:     g ← g + λ θ
 * m ← β₁ m + (1 − β₁) g
 * v ← β₂ v + (1 − β₂) g²
 * if amsgrad:   v_max ← max(v_max, v);  s ← v_max
 * else:         s ← v
 * θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√s / √(1 − β₂ᵗ) + ε)
 * </pre>
 *
 * <p>Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, amsgrad false. State per
 * parameter: {@code step} (t), {@code exp_avg} (m), {@code exp_avg_sq} (v) and, with amsgrad,
 * {@code max_exp_avg_sq} (v_max). For weight decay that does not pass through the moments, use
 * {@link AdamW}.
 */
public final class Adam extends AdamFamily {

  /** Adam's hyper-parameters, starting from PyTorch's defaults. */
  public static final class Options extends AdamOptions<Options> {
    /** lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, amsgrad false. */
    public Options() {
      super(0.0);
    }

    @Override
    protected Options self() {
      return this;
    }
  }

  /** Adam on {@code params} with PyTorch's defaults. */
  public Adam(List<Tensor> params) {
    this(params, new Options());
  }

  /** Adam on {@code params} with learning rate {@code lr} and otherwise the defaults. */
  public Adam(List<Tensor> params, double lr) {
    this(params, new Options().lr(lr));
  }

  /** Adam on {@code params} with {@code options}. */
  public Adam(List<Tensor> params, Options options) {
    super(singleGroup(params), options, false);
  }

  private Adam(Options options, List<ParamGroup> groups) {
    super(groups, options, false);
  }

  /** Adam over several param groups; options a group does not set come from {@code defaults}. */
  public static Adam withGroups(List<ParamGroup> groups, Options defaults) {
    return new Adam(defaults, groups);
  }
}
