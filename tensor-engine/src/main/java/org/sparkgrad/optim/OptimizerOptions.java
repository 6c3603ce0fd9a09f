package org.sparkgrad.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The default hyper-parameters of an optimizer, as the keyword arguments of a PyTorch optimizer's
 * constructor. Each optimizer has its own subclass ({@link SGD.Options}, {@link Adam.Options}, ...)
 * whose setters return it, so calls chain: {@code new Adam.Options().lr(1e-3).amsgrad(true)}.
 * Values are checked when the optimizer is built.
 *
 * @param <T> the concrete options type, returned by the setters
 */
public abstract class OptimizerOptions<T extends OptimizerOptions<T>> {
  private final LinkedHashMap<String, Double> values;
  private final Set<String> flags;

  /**
   * Options starting from {@code defaults} (PyTorch names, in the order a state dict lists them),
   * of which {@code flags} are booleans stored as 0 or 1.
   */
  protected OptimizerOptions(Map<String, Double> defaults, Set<String> flags) {
    this.values = new LinkedHashMap<>(defaults);
    this.flags = Set.copyOf(flags);
  }

  /** This object, typed as the concrete options class. */
  protected abstract T self();

  /** Sets option {@code name}, which must be one of the defaults. Returns this. */
  protected final T put(String name, double value) {
    if (!values.containsKey(name)) {
      throw new IllegalArgumentException(
          "unknown option '" + name + "'; the options are " + values.keySet());
    }
    values.put(name, value);
    return self();
  }

  /** Sets boolean option {@code name}. Returns this. */
  protected final T putFlag(String name, boolean value) {
    return put(name, value ? 1.0 : 0.0);
  }

  /** Sets the learning rate. */
  public T lr(double lr) {
    return put("lr", lr);
  }

  /** Sets the weight decay (its meaning depends on the optimizer: L2 penalty or decoupled). */
  public T weightDecay(double weightDecay) {
    return put("weight_decay", weightDecay);
  }

  /** Maximizes the objective instead of minimizing it (the gradient is negated). */
  public T maximize(boolean maximize) {
    return putFlag("maximize", maximize);
  }

  /** A copy of the values, by PyTorch name; booleans are 0 or 1. */
  public Map<String, Double> asMap() {
    return new LinkedHashMap<>(values);
  }

  /** The names of the boolean options. */
  public Set<String> flags() {
    return flags;
  }
}
