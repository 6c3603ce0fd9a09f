package org.sparkgrad.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * The base of all optimizers, as PyTorch's {@code torch.optim.Optimizer}: parameters in {@link
 * ParamGroup}s with their own hyper-parameters, per-parameter state created on the first step that
 * sees a gradient, {@link #zeroGrad()}, {@link #step()}, and a state dict for checkpoints.
 *
 * <p>A training step:
 *
 * <pre>{@code
 * optimizer.zeroGrad();
 * Tensor loss = lossFn.forward(model.forward(x), y);
 * loss.backward();
 * optimizer.step();
 * }</pre>
 *
 * <p>{@link #step()} updates each parameter in place, under {@link NoGrad}, and skips parameters
 * whose gradient is null (their state is not created or advanced). State tensors live on their
 * parameter's device and dtype; step counts are float64 scalars on the CPU.
 *
 * <p>Subclasses implement {@link #validate}, {@link #stateKeys} and {@link #update}.
 */
public abstract class Optimizer {
  /** The state key of the per-parameter step count, a 0-d float64 tensor. */
  protected static final String STEP = "step";

  private final Map<String, Double> defaults;
  private final Set<String> flags;
  private final List<ParamGroup> groups = new ArrayList<>();
  private final List<Map<String, Tensor>> state = new ArrayList<>();
  private final IdentityHashMap<Tensor, Integer> indexOf = new IdentityHashMap<>();

  /**
   * An optimizer over {@code groups}; options a group does not set are taken from {@code defaults},
   * and every group is validated.
   */
  protected Optimizer(List<ParamGroup> groups, OptimizerOptions<?> defaults) {
    this.defaults = Collections.unmodifiableMap(defaults.asMap());
    this.flags = defaults.flags();
    if (groups == null || groups.isEmpty()) {
      throw new IllegalArgumentException(name() + " got an empty parameter list");
    }
    for (ParamGroup g : groups) {
      addParamGroup(g);
    }
  }

  /** One group holding {@code params}, for the constructors that take a plain parameter list. */
  protected static List<ParamGroup> singleGroup(List<Tensor> params) {
    if (params == null || params.isEmpty()) {
      throw new IllegalArgumentException("optimizer got an empty parameter list");
    }
    return List.of(new ParamGroup(params));
  }

  /** The param groups, in order (unmodifiable; the groups themselves can be changed). */
  public List<ParamGroup> paramGroups() {
    return Collections.unmodifiableList(groups);
  }

  /** The default hyper-parameters, by PyTorch name (booleans as 0 or 1). */
  public Map<String, Double> defaults() {
    return defaults;
  }

  /** Adds a param group, as PyTorch's {@code add_param_group}; missing options take defaults. */
  public void addParamGroup(ParamGroup group) {
    if (group.owner() != null) {
      throw new IllegalArgumentException("the param group already belongs to an optimizer");
    }
    int g = groups.size();
    if (group.params().isEmpty()) {
      throw new IllegalArgumentException("param group " + g + " has no parameters");
    }
    IdentityHashMap<Tensor, Integer> seen = new IdentityHashMap<>();
    for (int i = 0; i < group.params().size(); i++) {
      Tensor p = group.params().get(i);
      if (!p.isLeaf()) {
        throw new IllegalArgumentException(
            "can't optimize a non-leaf tensor (parameter " + i + " of param group " + g + ")");
      }
      if (!p.dtype().isFloatingPoint()) {
        throw new IllegalArgumentException(
            "can only optimize floating-point tensors, parameter "
                + i
                + " of param group "
                + g
                + " is "
                + p.dtype());
      }
      if (indexOf.containsKey(p) || seen.put(p, i) != null) {
        throw new IllegalArgumentException(
            "some parameters appear in more than one place (parameter "
                + i
                + " of param group "
                + g
                + ")");
      }
    }
    ParamGroup candidate = ParamGroup.withOptions(group.params(), group.options());
    candidate.adopt(null, defaults);
    checkOptions(candidate, groups.isEmpty() ? "" : " (param group " + g + ")");
    group.adopt(this, defaults);
    groups.add(group);
    for (Tensor p : group.params()) {
      indexOf.put(p, state.size());
      state.add(new LinkedHashMap<>());
    }
  }

  /** Sets every parameter's gradient to null, as PyTorch's {@code zero_grad(set_to_none=True)}. */
  public void zeroGrad() {
    zeroGrad(true);
  }

  /** Sets gradients to null, or with {@code setToNone == false} fills them with zeros. */
  public void zeroGrad(boolean setToNone) {
    for (ParamGroup g : groups) {
      for (Tensor p : g.params()) {
        p.zeroGrad(setToNone);
      }
    }
  }

  /** Performs one optimization step on every parameter that has a gradient. */
  public void step() {
    try (NoGrad ignored = NoGrad.enter()) {
      int index = 0;
      for (ParamGroup g : groups) {
        for (Tensor p : g.params()) {
          Tensor grad = p.grad();
          if (grad != null) {
            update(g, p, grad, state.get(index));
          }
          index++;
        }
      }
    }
  }

  /**
   * Re-evaluates the model with {@code closure} (which should zero the gradients, compute the loss
   * and call backward), then performs a step. Returns the closure's loss.
   */
  public Tensor step(Supplier<Tensor> closure) {
    Tensor loss = closure.get();
    step();
    return loss;
  }

  /**
   * Checks a group's options: the exact set of option names, no NaN, booleans 0 or 1, then the
   * optimizer's own rules. Throws {@link IllegalArgumentException}.
   */
  protected abstract void validate(ParamGroup group);

  /** The names of the state a parameter in {@code group} keeps once it has been stepped. */
  protected abstract List<String> stateKeys(ParamGroup group);

  /**
   * Updates {@code param} in place from {@code grad} with the group's hyper-parameters; {@code
   * state} is this parameter's state, empty before its first update. Runs under {@link NoGrad}.
   */
  protected abstract void update(
      ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state);

  /** Increments the state's step count (creating it at 0) and returns the new count. */
  protected static double incrementStep(Map<String, Tensor> state) {
    Tensor step = state.computeIfAbsent(STEP, k -> Tensor.zeros(DType.FLOAT64));
    double next = step.item() + 1;
    step.fillInPlace(next);
    return next;
  }

  /** The state tensor {@code key}, created as zeros shaped like {@code param} if absent. */
  protected static Tensor buffer(Map<String, Tensor> state, String key, Tensor param) {
    return state.computeIfAbsent(key, k -> param.zerosLike());
  }

  // ------------------------------------------------------------ state dict

  /**
   * A snapshot of the optimizer state as named tensors, ready to be written as safetensors: {@code
   * state.<i>.<name>} for each stepped parameter {@code i} (numbered across groups in order;
   * buffers shaped like the parameter, {@code step} a 0-d float64), then for each group {@code
   * param_groups.<g>.params} (int64 parameter numbers) and {@code param_groups.<g>.<option>} (0-d
   * float64). The tensors are copies: later steps do not change them.
   */
  public Map<String, Tensor> stateDict() {
    return OptimizerStateDict.save(this);
  }

  /**
   * Restores state and hyper-parameters from a {@link #stateDict()} of an optimizer of the same
   * class with groups of the same sizes, as PyTorch's {@code load_state_dict}. Every key, shape and
   * value is checked before anything changes; a problem names the key. The tensors are copied and
   * converted to each parameter's dtype and device.
   */
  public void loadStateDict(Map<String, Tensor> stateDict) {
    OptimizerStateDict.load(this, stateDict);
  }

  // ------------------------------------------------------------ package internals

  List<Map<String, Tensor>> states() {
    return state;
  }

  Set<String> flags() {
    return flags;
  }

  String name() {
    return getClass().getSimpleName();
  }

  /** Validates a group that belongs (or is about to belong) to this optimizer. */
  void checkGroup(ParamGroup group) {
    int g = groups.indexOf(group);
    checkOptions(group, groups.size() > 1 ? " (param group " + g + ")" : "");
  }

  /** Validates {@code group}'s options; {@code where} is appended to messages. */
  void checkOptions(ParamGroup group, String where) {
    try {
      Map<String, Double> options = group.options();
      for (String key : options.keySet()) {
        if (!defaults.containsKey(key)) {
          throw new IllegalArgumentException(
              name() + " has no option '" + key + "'; its options are " + defaults.keySet());
        }
      }
      for (Map.Entry<String, Double> e : options.entrySet()) {
        double v = e.getValue();
        if (flags.contains(e.getKey()) && v != 0 && v != 1) {
          throw new IllegalArgumentException(
              e.getKey() + " is a boolean and must be 0 or 1, got " + v);
        }
      }
      validate(group);
      for (Map.Entry<String, Double> e : options.entrySet()) {
        if (Double.isNaN(e.getValue())) {
          throw new IllegalArgumentException(e.getKey() + " must be a number, got NaN");
        }
      }
    } catch (IllegalArgumentException e) {
      if (where.isEmpty()) {
        throw e;
      }
      throw new IllegalArgumentException(e.getMessage() + where, e);
    }
  }
}
