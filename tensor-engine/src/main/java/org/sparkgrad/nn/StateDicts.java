package org.sparkgrad.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * Loading a state dict into a {@link Module}, as PyTorch's {@code load_state_dict}: values are
 * copied into the module's existing tensors (converted to their dtype and device), so references
 * held elsewhere, by an optimizer for example, stay valid.
 */
public final class StateDicts {
  private StateDicts() {}

  /**
   * The keys that a non-strict load skipped, as PyTorch's {@code _IncompatibleKeys}.
   *
   * @param missingKeys keys of the module that the state dict lacked
   * @param unexpectedKeys keys of the state dict that the module lacks
   */
  public record IncompatibleKeys(List<String> missingKeys, List<String> unexpectedKeys) {
    /** Copies both lists. */
    public IncompatibleKeys {
      missingKeys = List.copyOf(missingKeys);
      unexpectedKeys = List.copyOf(unexpectedKeys);
    }
  }

  /** Adds {@code m}'s parameters, then its persistent buffers, then its children's entries. */
  static void save(Module m, String prefix, Map<String, Tensor> out) {
    for (Map.Entry<String, Tensor> e : m.ownParameters().entrySet()) {
      if (e.getValue() != null) {
        out.put(prefix + e.getKey(), e.getValue().detach());
      }
    }
    for (Map.Entry<String, Tensor> e : m.ownBuffers().entrySet()) {
      if (e.getValue() != null && !m.isNonPersistent(e.getKey())) {
        out.put(prefix + e.getKey(), e.getValue().detach());
      }
    }
    for (Map.Entry<String, Module> c : m.namedChildren().entrySet()) {
      save(c.getValue(), prefix + c.getKey() + ".", out);
    }
  }

  /**
   * Checks every entry first, then copies; on any error nothing is copied.
   *
   * @throws IllegalArgumentException listing, as PyTorch does, the missing keys, the unexpected
   *     keys (both only when strict), the null values and every shape mismatch
   */
  static IncompatibleKeys load(Module module, Map<String, Tensor> state, boolean strict) {
    if (state == null) {
      throw new IllegalArgumentException("state dict must not be null");
    }
    LinkedHashMap<String, Tensor> own = module.stateDict();
    List<String> missing = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : own.entrySet()) {
      String key = e.getKey();
      if (!state.containsKey(key)) {
        missing.add(key);
        continue;
      }
      Tensor value = state.get(key);
      if (value == null) {
        errors.add("value for " + key + " is null.");
      } else if (!Arrays.equals(value.shape(), e.getValue().shape())) {
        errors.add(
            "size mismatch for "
                + key
                + ": copying a param with shape "
                + Arrays.toString(value.shape())
                + " from checkpoint, the shape in current model is "
                + Arrays.toString(e.getValue().shape())
                + ".");
      }
    }
    for (String key : state.keySet()) {
      if (!own.containsKey(key)) {
        unexpected.add(key);
      }
    }
    List<String> all = new ArrayList<>();
    if (strict && !missing.isEmpty()) {
      all.add("Missing key(s) in state_dict: " + quoted(missing) + ".");
    }
    if (strict && !unexpected.isEmpty()) {
      all.add("Unexpected key(s) in state_dict: " + quoted(unexpected) + ".");
    }
    all.addAll(errors);
    if (!all.isEmpty()) {
      throw new IllegalArgumentException(
          "Error(s) in loading state_dict for "
              + module.moduleName()
              + ":\n\t"
              + String.join("\n\t", all));
    }
    try (NoGrad ignored = NoGrad.enter()) {
      for (Map.Entry<String, Tensor> e : own.entrySet()) {
        Tensor value = state.get(e.getKey());
        if (value != null) {
          Tensor target = e.getValue();
          target.copyFrom(value.detach().to(target.dtype()).to(target.device()));
        }
      }
    }
    return new IncompatibleKeys(missing, unexpected);
  }

  private static String quoted(List<String> keys) {
    StringBuilder s = new StringBuilder();
    for (String k : keys) {
      s.append(s.length() == 0 ? "" : ", ").append('"').append(k).append('"');
    }
    return s.toString();
  }
}
