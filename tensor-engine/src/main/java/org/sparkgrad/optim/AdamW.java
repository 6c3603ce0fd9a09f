package org.sparkgrad.optim;

import java.util.List;
import org.sparkgrad.tensor.Tensor;

/**
 * AdamW, as PyTorch 1.13's {@code torch.optim.AdamW}: Adam with decoupled weight decay, which
 * shrinks the parameter directly instead of adding to the gradient. For each parameter θ with
 * gradient g at step t (γ = lr, β₁, β₂ = betas, λ = weight_decay, ε = eps; m, v, v_max start at 0):
 *
 * <pre>
 * if maximize:  g ← −g
 * θ ← θ (1 − γ λ)
 * m ← β₁ m + (1 − β₁) g
 * v ← β₂ v + (1 − β₂) g²
 * if amsgrad:   v_max ← max(v_max, v);  s ← v_max
 * else:         s ← v
 * θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√s / √(1 − β₂ᵗ) + ε)
 * </pre>
 *
 * <p>Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, <b>weight_decay 0.01</b>, amsgrad false.
 * State per parameter: {@code step} (t), {@code exp_avg} (m), {@code exp_avg_sq} (v) and, with
 * amsgrad, {@code max_exp_avg_sq} (v_max).
 */
public final class AdamW extends AdamFamily {

  /** AdamW's hyper-parameters, starting from PyTorch's defaults (weight decay 0.01). */
  public static final class Options extends AdamOptions<Options> {
    /** lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0.01, amsgrad false. */
    public Options() {
      super(0.01);
    }

    @Override
    protected Options self() {
      return this;
    }
  }

  /** AdamW on {@code params} with PyTorch's defaults. */
  public AdamW(List<Tensor> params) {
    this(params, new Options());
  }

  /** AdamW on {@code params} with learning rate {@code lr} and otherwise the defaults. */
  public AdamW(List<Tensor> params, double lr) {
    this(params, new Options().lr(lr));
  }

  /** AdamW on {@code params} with {@code options}. */
  public AdamW(List<Tensor> params, Options options) {
    super(singleGroup(params), options, true);
  }

  private AdamW(Options options, List<ParamGroup> groups) {
    super(groups, options, true);
  }

  /** AdamW over several param groups; options a group does not set come from {@code defaults}. */
  public static AdamW withGroups(List<ParamGroup> groups, Options defaults) {
    return new AdamW(defaults, groups);
  }
}
