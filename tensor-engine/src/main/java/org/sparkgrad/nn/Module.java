package org.sparkgrad.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Tensor;

/**
 * The base class of every layer and network, as PyTorch's {@code torch.nn.Module}: it keeps
 * ordered, named parameters, buffers and child modules, a training flag, and a state dict with
 * dotted names ({@code 0.weight}, {@code 1.running_mean}).
 *
 * <p>Parameters are the tensors an optimizer updates; buffers are state that is saved but not
 * trained (BatchNorm's running statistics). Both may be registered as {@code null} (an absent
 * bias): such entries are skipped by {@link #parameters()} and {@link #stateDict()}, as PyTorch
 * skips {@code None}.
 *
 * <p><b>Importing it.</b> Every Java file implicitly imports {@code java.lang.*}, which holds
 * {@code java.lang.Module} (the Java platform's module), so with {@code import org.sparkgrad.nn.*;}
 * alone the simple name {@code Module} is ambiguous (javac: "reference to Module is ambiguous").
 * Import the class by name as well; a single-type import wins over both on-demand imports:
 *
 * <pre>{@code
 * import org.sparkgrad.nn.*;
 * import org.sparkgrad.nn.Module; // not java.lang.Module
 *
 * class NeuralNetwork extends Module { ... }
 * }</pre>
 *
 * <p>A module is called as {@code model.forward(x)} where PyTorch writes {@code model(x)}.
 *
 * <p>Not thread-safe: a module and its tensors belong to one training loop at a time.
 */
public abstract class Module {
  private final LinkedHashMap<String, Tensor> params = new LinkedHashMap<>();
  private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
  private final Set<String> nonPersistent = new java.util.HashSet<>();
  private final LinkedHashMap<String, Module> modules = new LinkedHashMap<>();
  private boolean training = true;

  /** Computes the module's output; every layer defines it. */
  public abstract Tensor forward(Tensor input);

  /**
   * Computes the module's output from several inputs, as PyTorch's {@code forward(*args)}: a module
   * whose forward takes several tensors (a dense vector and category indices, say) overrides this
   * method, most simply by extending {@link MultiInputModule}. A call with one input is {@link
   * #forward(Tensor)}, so every one-input module takes this call too.
   *
   * @throws IllegalArgumentException if this module takes one input and is given another number
   */
  public Tensor forward(Tensor... inputs) {
    if (inputs.length != 1) {
      throw new IllegalArgumentException(
          moduleName()
              + " takes one input, got "
              + inputs.length
              + "; a module of several inputs overrides forward(Tensor...)");
    }
    return forward(inputs[0]);
  }

  // ---------------------------------------------------------------- registration

  /**
   * Adds (or replaces) the parameter {@code name}, as {@code register_parameter}. The tensor is
   * registered as it is: create it with {@code requiresGrad(true)} to have it trained. It must be a
   * floating-point leaf, or null for an absent parameter.
   */
  public final Tensor registerParameter(String name, Tensor param) {
    checkName(name, params);
    if (param != null) {
      if (!param.dtype().isFloatingPoint()) {
        throw new IllegalArgumentException(
            "parameter '" + name + "' must be floating-point, got " + param.dtype());
      }
      if (!param.isLeaf()) {
        throw new IllegalArgumentException(
            "parameter '"
                + name
                + "' must be a leaf tensor (the result of an op is not); pass x.detach()");
      }
    }
    params.put(name, param);
    return param;
  }

  /** Adds (or replaces) a persistent buffer, included in {@link #stateDict()}. */
  public final Tensor registerBuffer(String name, Tensor buffer) {
    return registerBuffer(name, buffer, true);
  }

  /**
   * Adds (or replaces) the buffer {@code name}, as {@code register_buffer}: state that is moved by
   * {@link #to(Device)} but not returned by {@link #parameters()}; a non-persistent buffer is also
   * left out of the state dict.
   */
  public final Tensor registerBuffer(String name, Tensor buffer, boolean persistent) {
    checkName(name, buffers);
    buffers.put(name, buffer);
    if (persistent) {
      nonPersistent.remove(name);
    } else {
      nonPersistent.add(name);
    }
    return buffer;
  }

  /** Adds (or replaces) the child module {@code name}, as {@code add_module}. Returns the child. */
  public final <M extends Module> M addModule(String name, M module) {
    checkName(name, modules);
    if (module == null) {
      throw new IllegalArgumentException("child module '" + name + "' must not be null");
    }
    modules.put(name, module);
    return module;
  }

  private void checkName(String name, Map<String, ?> ownKind) {
    if (name == null || name.isEmpty() || name.contains(".")) {
      throw new IllegalArgumentException(
          "a module attribute name must be non-empty and contain no '.', got '" + name + "'");
    }
    boolean taken =
        (params.containsKey(name) && ownKind != params)
            || (buffers.containsKey(name) && ownKind != buffers)
            || (modules.containsKey(name) && ownKind != modules);
    if (taken) {
      throw new IllegalArgumentException(
          "attribute '" + name + "' already exists in " + moduleName() + " as another kind");
    }
  }

  /** This module's own parameter {@code name} (null if registered as absent). */
  protected final Tensor param(String name) {
    if (!params.containsKey(name)) {
      throw new IllegalArgumentException(moduleName() + " has no parameter '" + name + "'");
    }
    return params.get(name);
  }

  /** This module's own buffer {@code name} (null if registered as absent). */
  protected final Tensor buffer(String name) {
    if (!buffers.containsKey(name)) {
      throw new IllegalArgumentException(moduleName() + " has no buffer '" + name + "'");
    }
    return buffers.get(name);
  }

  /** This module's own parameters, live (for {@link StateDicts}). */
  final Map<String, Tensor> ownParameters() {
    return params;
  }

  /** This module's own buffers, live (for {@link StateDicts}). */
  final Map<String, Tensor> ownBuffers() {
    return buffers;
  }

  final boolean isNonPersistent(String buffer) {
    return nonPersistent.contains(buffer);
  }

  // ---------------------------------------------------------------- lookup

  /** The submodule at a dotted path ({@code "0"}, {@code "encoder.1"}); "" is this module. */
  public Module getSubmodule(String target) {
    Module m = this;
    if (target.isEmpty()) {
      return m;
    }
    StringBuilder walked = new StringBuilder();
    for (String part : target.split("\\.", -1)) {
      Module next = m.modules.get(part);
      if (next == null) {
        throw new IllegalArgumentException(
            m.moduleName()
                + (walked.length() == 0 ? "" : " at '" + walked + "'")
                + " has no submodule '"
                + part
                + "' (looking up '"
                + target
                + "')");
      }
      walked.append(walked.length() == 0 ? "" : ".").append(part);
      m = next;
    }
    return m;
  }

  /** The parameter at a dotted path, e.g. {@code "0.weight"}. */
  public Tensor getParameter(String target) {
    int dot = target.lastIndexOf('.');
    return getSubmodule(dot < 0 ? "" : target.substring(0, dot)).param(target.substring(dot + 1));
  }

  /** The buffer at a dotted path, e.g. {@code "1.running_mean"}. */
  public Tensor getBuffer(String target) {
    int dot = target.lastIndexOf('.');
    return getSubmodule(dot < 0 ? "" : target.substring(0, dot)).buffer(target.substring(dot + 1));
  }

  // ---------------------------------------------------------------- traversal

  /** The direct children in registration order. */
  public List<Module> children() {
    return new ArrayList<>(modules.values());
  }

  /** The direct children by name, in registration order. */
  // The order is part of the contract, as PyTorch's OrderedDict; Java 17 has no SequencedMap.
  @SuppressWarnings("NonApiType")
  public LinkedHashMap<String, Module> namedChildren() {
    return new LinkedHashMap<>(modules);
  }

  /**
   * Every parameter of this module and its descendants by dotted name, this module's own first,
   * then each child's in order. A tensor registered twice is listed once, under its first name.
   */
  // The order is part of the contract, as PyTorch's OrderedDict; Java 17 has no SequencedMap.
  @SuppressWarnings("NonApiType")
  public LinkedHashMap<String, Tensor> namedParameters() {
    LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
    Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    collect(this, "", true, false, seen, out);
    return out;
  }

  /** The values of {@link #namedParameters()}: what an optimizer is given. */
  public List<Tensor> parameters() {
    return new ArrayList<>(namedParameters().values());
  }

  /** Every buffer of this module and its descendants by dotted name. */
  // The order is part of the contract, as PyTorch's OrderedDict; Java 17 has no SequencedMap.
  @SuppressWarnings("NonApiType")
  public LinkedHashMap<String, Tensor> namedBuffers() {
    LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
    Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    collect(this, "", false, true, seen, out);
    return out;
  }

  /** The values of {@link #namedBuffers()}. */
  public List<Tensor> buffers() {
    return new ArrayList<>(namedBuffers().values());
  }

  /** The number of scalar parameters, {@code sum(p.numel() for p in parameters())}. */
  public long numParameters() {
    long n = 0;
    for (Tensor p : parameters()) {
      n += p.numel();
    }
    return n;
  }

  private static void collect(
      Module m,
      String prefix,
      boolean wantParams,
      boolean wantBuffers,
      Set<Tensor> seen,
      Map<String, Tensor> out) {
    if (wantParams) {
      addAll(m.params, prefix, seen, out);
    }
    if (wantBuffers) {
      addAll(m.buffers, prefix, seen, out);
    }
    for (Map.Entry<String, Module> c : m.modules.entrySet()) {
      collect(c.getValue(), prefix + c.getKey() + ".", wantParams, wantBuffers, seen, out);
    }
  }

  private static void addAll(
      Map<String, Tensor> own, String prefix, Set<Tensor> seen, Map<String, Tensor> out) {
    for (Map.Entry<String, Tensor> e : own.entrySet()) {
      if (e.getValue() != null && seen.add(e.getValue())) {
        out.put(prefix + e.getKey(), e.getValue());
      }
    }
  }

  // ---------------------------------------------------------------- modes and gradients

  /** Sets training mode on this module and every descendant. Returns this. */
  public Module train(boolean mode) {
    training = mode;
    for (Module c : modules.values()) {
      c.train(mode);
    }
    return this;
  }

  /** {@code train(true)}. */
  public Module train() {
    return train(true);
  }

  /** {@code train(false)}: Dropout passes inputs through and BatchNorm uses running statistics. */
  public Module eval() {
    return train(false);
  }

  /** True in training mode (the initial mode). */
  public boolean isTraining() {
    return training;
  }

  /** Clears every parameter's gradient, as {@code zero_grad(set_to_none=True)}. */
  public void zeroGrad() {
    zeroGrad(true);
  }

  /**
   * Resets every parameter's gradient, as PyTorch's {@code zero_grad(set_to_none)}: with {@code
   * setToNone} the gradients become null; without it, existing gradient buffers are kept and read
   * as zeros, so the next {@code backward()} writes into them in place instead of allocating new
   * ones (faster in a training loop; a parameter that got no gradient keeps zeros rather than
   * null). The zeros are written lazily ({@link Tensor#zeroGrad(boolean)}): read them through
   * {@code grad()}.
   */
  public void zeroGrad(boolean setToNone) {
    for (Tensor p : parameters()) {
      p.zeroGrad(setToNone);
    }
  }

  // ---------------------------------------------------------------- state dict

  /**
   * Every parameter and persistent buffer by dotted name: for each module, its parameters, then its
   * buffers, then its children's entries in order, as PyTorch's {@code state_dict()}. The values
   * are detached views that share storage with the module's tensors.
   */
  // The order is part of the contract, as PyTorch's OrderedDict; Java 17 has no SequencedMap.
  @SuppressWarnings("NonApiType")
  public LinkedHashMap<String, Tensor> stateDict() {
    LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
    StateDicts.save(this, "", out);
    return out;
  }

  /**
   * Copies {@code state}'s values into this module's parameters and buffers, strictly: every key of
   * {@link #stateDict()} must be present, no other key may be, and every shape must match. On any
   * error nothing is copied.
   *
   * @throws IllegalArgumentException naming every missing key, unexpected key and shape mismatch
   */
  public void loadStateDict(Map<String, Tensor> state) {
    StateDicts.load(this, state, true);
  }

  /**
   * As {@link #loadStateDict(Map)}; with {@code strict = false}, missing and unexpected keys are
   * returned instead of rejected (shape mismatches are still errors).
   */
  public StateDicts.IncompatibleKeys loadStateDict(Map<String, Tensor> state, boolean strict) {
    return StateDicts.load(this, state, strict);
  }

  // ---------------------------------------------------------------- devices and dtypes

  /**
   * Moves every parameter and buffer (with any gradient) to {@code device}. Tensors already there
   * are kept; the others are replaced by new leaves with the same {@code requiresGrad}, so an
   * optimizer must be created after moving the model, as in PyTorch. Returns this.
   */
  public Module to(Device device) {
    convert(t -> t.to(device));
    return this;
  }

  /** {@link #to(Device)} for a device named {@code cpu}, {@code cuda} or {@code cuda:N}. */
  public Module to(String device) {
    return to(Device.parse(device));
  }

  /**
   * Converts every floating-point parameter and buffer to {@code dtype}, which must be
   * floating-point (int64 buffers such as {@code num_batches_tracked} are kept), as PyTorch's
   * {@code module.to(dtype)}. Returns this.
   */
  public Module to(DType dtype) {
    if (!dtype.isFloatingPoint()) {
      throw new IllegalArgumentException(
          "Module.to(dtype) only accepts floating-point dtypes, got " + dtype);
    }
    convert(t -> t.dtype().isFloatingPoint() ? t.to(dtype) : t);
    return this;
  }

  private void convert(java.util.function.UnaryOperator<Tensor> fn) {
    for (Map.Entry<String, Tensor> e : params.entrySet()) {
      e.setValue(replaced(e.getValue(), fn));
    }
    for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
      e.setValue(replaced(e.getValue(), fn));
    }
    for (Module c : modules.values()) {
      c.convert(fn);
    }
  }

  private static Tensor replaced(Tensor t, java.util.function.UnaryOperator<Tensor> fn) {
    if (t == null) {
      return null;
    }
    Tensor moved = fn.apply(t.detach());
    if (moved.storage() == t.storage()) {
      return t;
    }
    Tensor leaf = moved.requiresGrad(t.requiresGrad());
    if (t.grad() != null) {
      leaf.setGrad(fn.apply(t.grad()));
    }
    return leaf;
  }

  // ---------------------------------------------------------------- printing

  /** The name printed by {@link #toString()}: the class's simple name, as PyTorch's. */
  protected String moduleName() {
    String s = getClass().getSimpleName();
    return s.isEmpty()
        ? getClass().getName().substring(getClass().getName().lastIndexOf('.') + 1)
        : s;
  }

  /** The layer's settings as printed inside the parentheses, as PyTorch's {@code extra_repr}. */
  protected String extraRepr() {
    return "";
  }

  /** The architecture, exactly as PyTorch prints the module. */
  @Override
  public String toString() {
    return PyRepr.module(moduleName(), extraRepr(), modules);
  }
}
