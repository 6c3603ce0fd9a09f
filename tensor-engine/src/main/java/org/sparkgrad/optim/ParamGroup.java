package org.sparkgrad.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.tensor.Tensor;

/**
 * Parameters that share hyper-parameters, as one entry of PyTorch's {@code optimizer.param_groups}.
 *
 * <pre>{@code
 * Optimizer opt = SGD.withGroups(
 *     List.of(new ParamGroup(model.body().parameters()),
 *             new ParamGroup(model.head().parameters()).setLr(0.01)),
 *     new SGD.Options().lr(0.1).momentum(0.9));
 * }</pre>
 *
 * <p>Options use PyTorch's names ({@code lr}, {@code weight_decay}, {@code momentum}, ...), with
 * two exceptions: Adam's {@code betas} pair is stored as {@code beta1} and {@code beta2}, and
 * boolean options ({@code nesterov}, {@code amsgrad}, {@code centered}, {@code maximize}) are
 * stored as 0 or 1. Options a group does not set take the optimizer's defaults when the group is
 * given to an optimizer. From then on the group belongs to that optimizer, and every change is
 * validated by it: a learning-rate scheduler changes the learning rate through {@link
 * #setLr(double)}.
 */
public final class ParamGroup {
  private final List<Tensor> params;
  private final LinkedHashMap<String, Double> options = new LinkedHashMap<>();
  private Optimizer owner;

  /** A group of {@code params} with no options of its own yet. */
  public ParamGroup(List<Tensor> params) {
    if (params == null) {
      throw new IllegalArgumentException("params must not be null");
    }
    List<Tensor> copy = new ArrayList<>(params.size());
    for (int i = 0; i < params.size(); i++) {
      Tensor p = params.get(i);
      if (p == null) {
        throw new IllegalArgumentException("parameter " + i + " of the param group is null");
      }
      copy.add(p);
    }
    this.params = Collections.unmodifiableList(copy);
  }

  /** The parameters, in order (unmodifiable). */
  public List<Tensor> params() {
    return params;
  }

  /** The learning rate. */
  public double lr() {
    return get("lr");
  }

  /** Sets the learning rate (validated once the group belongs to an optimizer). Returns this. */
  public ParamGroup setLr(double lr) {
    return set("lr", lr);
  }

  /** The weight decay. */
  public double weightDecay() {
    return get("weight_decay");
  }

  /** Sets the weight decay (validated once the group belongs to an optimizer). Returns this. */
  public ParamGroup setWeightDecay(double weightDecay) {
    return set("weight_decay", weightDecay);
  }

  /** True if this group has option {@code name}. */
  public boolean has(String name) {
    return options.containsKey(name);
  }

  /** The value of option {@code name}; booleans read as 0 or 1. */
  public double get(String name) {
    Double v = options.get(name);
    if (v == null) {
      throw new IllegalArgumentException(
          "param group has no option '" + name + "'; it has " + options.keySet());
    }
    return v;
  }

  /** Option {@code name} as a boolean (non-zero is true). */
  public boolean getFlag(String name) {
    return get(name) != 0;
  }

  /**
   * Sets option {@code name}. Once the group belongs to an optimizer, unknown names and invalid
   * values are rejected with an {@link IllegalArgumentException} and leave the group unchanged.
   * Returns this.
   */
  public ParamGroup set(String name, double value) {
    Double old = options.put(name, value);
    if (owner != null) {
      try {
        owner.checkGroup(this);
      } catch (IllegalArgumentException e) {
        if (old == null) {
          options.remove(name);
        } else {
          options.put(name, old);
        }
        throw e;
      }
    }
    return this;
  }

  /** Sets a boolean option (stored as 0 or 1). Returns this. */
  public ParamGroup set(String name, boolean value) {
    return set(name, value ? 1.0 : 0.0);
  }

  /** A copy of the options, in the optimizer's order once the group belongs to one. */
  public Map<String, Double> options() {
    return new LinkedHashMap<>(options);
  }

  // ------------------------------------------------------------ for Optimizer

  Optimizer owner() {
    return owner;
  }

  /**
   * Takes ownership: fills in defaults (in the defaults' order) and keeps the group's own values.
   */
  void adopt(Optimizer optimizer, Map<String, Double> defaults) {
    LinkedHashMap<String, Double> merged = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : defaults.entrySet()) {
      merged.put(e.getKey(), options.getOrDefault(e.getKey(), e.getValue()));
    }
    for (Map.Entry<String, Double> e : options.entrySet()) {
      merged.putIfAbsent(e.getKey(), e.getValue());
    }
    options.clear();
    options.putAll(merged);
    this.owner = optimizer;
  }

  /** Replaces all options at once (loading a state dict, already validated). */
  void replaceOptions(Map<String, Double> values) {
    options.clear();
    options.putAll(values);
  }

  /** An unowned copy with the same parameters and {@code values} as options, for validation. */
  static ParamGroup withOptions(List<Tensor> params, Map<String, Double> values) {
    ParamGroup g = new ParamGroup(params);
    g.options.putAll(values);
    return g;
  }
}
