package org.sparkgrad.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/** Writes and reads an optimizer's state as a flat map of named tensors. */
final class OptimizerStateDict {
  private static final Pattern KEY =
      Pattern.compile("(state|param_groups)\\.(\\d{1,9})\\.([A-Za-z0-9_]+)");

  private OptimizerStateDict() {}

  static Map<String, Tensor> save(Optimizer opt) {
    LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
    List<Map<String, Tensor>> states = opt.states();
    try (NoGrad ignored = NoGrad.enter()) {
      int index = 0;
      for (ParamGroup g : opt.paramGroups()) {
        List<String> keys = opt.stateKeys(g);
        for (int i = 0; i < g.params().size(); i++, index++) {
          Map<String, Tensor> s = states.get(index);
          for (String key : keys) {
            Tensor t = s.get(key);
            if (t != null) {
              out.put("state." + index + "." + key, t.detach().copy());
            }
          }
        }
      }
      index = 0;
      for (int g = 0; g < opt.paramGroups().size(); g++) {
        ParamGroup group = opt.paramGroups().get(g);
        long[] ids = new long[group.params().size()];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = index++;
        }
        out.put("param_groups." + g + ".params", Tensor.ofLongs(ids));
        for (Map.Entry<String, Double> e : group.options().entrySet()) {
          out.put("param_groups." + g + "." + e.getKey(), scalar(e.getValue()));
        }
      }
    }
    return out;
  }

  static Tensor scalar(double v) {
    return Tensor.full(v, DType.FLOAT64);
  }

  static void load(Optimizer opt, Map<String, Tensor> dict) {
    List<ParamGroup> groups = opt.paramGroups();
    // Sort the entries by kind and index; anything else is a foreign key.
    TreeMap<Integer, Map<String, Tensor>> groupEntries = new TreeMap<>();
    TreeMap<Integer, Map<String, Tensor>> stateEntries = new TreeMap<>();
    for (Map.Entry<String, Tensor> e : dict.entrySet()) {
      Matcher m = KEY.matcher(e.getKey());
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "unexpected key '"
                + e.getKey()
                + "' in "
                + opt.name()
                + " state dict: keys are state.<i>.<name> and param_groups.<g>.<name>");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException("key '" + e.getKey() + "' holds null");
      }
      var target = m.group(1).equals("state") ? stateEntries : groupEntries;
      target
          .computeIfAbsent(Integer.parseInt(m.group(2)), k -> new LinkedHashMap<>())
          .put(m.group(3), e.getValue());
    }
    for (int g : groupEntries.keySet()) {
      if (g >= groups.size()) {
        throw new IllegalArgumentException(
            "the state dict has param group "
                + g
                + " (key 'param_groups."
                + g
                + "."
                + groupEntries.get(g).keySet().iterator().next()
                + "'), but this "
                + opt.name()
                + " has "
                + groups.size()
                + " param group(s)");
      }
    }
    // Param groups: exact option names, sizes and values; saved parameter numbers map, in order,
    // onto this optimizer's parameters, as PyTorch does.
    List<Map<String, Double>> newOptions = new ArrayList<>();
    HashMap<Long, Integer> idMap = new HashMap<>();
    HashMap<Integer, ParamGroup> groupOfIndex = new HashMap<>();
    List<Tensor> params = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      String prefix = "param_groups." + g + ".";
      Map<String, Tensor> entries = groupEntries.getOrDefault(g, Map.of());
      List<String> expected = new ArrayList<>();
      expected.add("params");
      expected.addAll(opt.defaults().keySet());
      checkKeys(opt, prefix, entries, expected);
      ParamGroup group = groups.get(g);
      Tensor ids = entries.get("params");
      if (ids.dim() != 1 || ids.dtype() != DType.INT64) {
        throw new IllegalArgumentException(
            "'" + prefix + "params' must be a 1-D int64 tensor, got " + describe(ids));
      }
      if (ids.numel() != group.params().size()) {
        throw new IllegalArgumentException(
            "'"
                + prefix
                + "params' lists "
                + ids.numel()
                + " parameters, but param group "
                + g
                + " of this "
                + opt.name()
                + " has "
                + group.params().size());
      }
      long[] saved = ids.toLongArray();
      for (int i = 0; i < saved.length; i++) {
        int index = params.size();
        if (idMap.put(saved[i], index) != null) {
          throw new IllegalArgumentException(
              "parameter number " + saved[i] + " appears twice in the param_groups.*.params");
        }
        params.add(group.params().get(i));
      }
      LinkedHashMap<String, Double> options = new LinkedHashMap<>();
      for (String name : opt.defaults().keySet()) {
        Tensor v = entries.get(name);
        if (v.numel() != 1 || !v.dtype().isFloatingPoint()) {
          throw new IllegalArgumentException(
              "'" + prefix + name + "' must be a one-element float tensor, got " + describe(v));
        }
        options.put(name, v.item());
      }
      ParamGroup candidate = ParamGroup.withOptions(group.params(), options);
      try {
        opt.checkOptions(candidate, "");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("param_groups." + g + ": " + e.getMessage(), e);
      }
      newOptions.add(options);
      for (int i = 0; i < saved.length; i++) {
        groupOfIndex.put(params.size() - saved.length + i, candidate);
      }
    }
    // State: each stepped parameter has exactly the keys its group keeps, shaped like it.
    List<Map<String, Tensor>> newState = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      newState.add(new LinkedHashMap<>());
    }
    for (Map.Entry<Integer, Map<String, Tensor>> e : stateEntries.entrySet()) {
      String prefix = "state." + e.getKey() + ".";
      Integer index = idMap.get((long) e.getKey());
      if (index == null) {
        throw new IllegalArgumentException(
            "key '"
                + prefix
                + e.getValue().keySet().iterator().next()
                + "' refers to parameter "
                + e.getKey()
                + ", which no param_groups.*.params lists");
      }
      Tensor param = params.get(index);
      checkKeys(opt, prefix, e.getValue(), opt.stateKeys(groupOfIndex.get(index)));
      for (Map.Entry<String, Tensor> s : e.getValue().entrySet()) {
        newState.get(index).put(s.getKey(), restore(prefix, s.getKey(), s.getValue(), param));
      }
    }
    // Everything checked: commit.
    for (int g = 0; g < groups.size(); g++) {
      groups.get(g).replaceOptions(newOptions.get(g));
    }
    List<Map<String, Tensor>> states = opt.states();
    for (int i = 0; i < states.size(); i++) {
      states.set(i, newState.get(i));
    }
  }

  private static Tensor restore(String prefix, String name, Tensor v, Tensor param) {
    String key = prefix + name;
    if (!v.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          "'" + key + "' must be a floating-point tensor, got " + describe(v));
    }
    if (name.equals(Optimizer.STEP)) {
      if (v.numel() != 1) {
        throw new IllegalArgumentException(
            "'" + key + "' must be a one-element step count, got " + describe(v));
      }
      return scalar(v.item());
    }
    if (!Arrays.equals(v.shape(), param.shape())) {
      throw new IllegalArgumentException(
          "'"
              + key
              + "' has shape "
              + Arrays.toString(v.shape())
              + ", but its parameter has shape "
              + Arrays.toString(param.shape()));
    }
    try (NoGrad ignored = NoGrad.enter()) {
      Tensor t = v.detach().to(param.dtype()).to(param.device());
      return t.storage() == v.storage() ? t.copy() : t;
    }
  }

  private static void checkKeys(
      Optimizer opt, String prefix, Map<String, Tensor> entries, List<String> expected) {
    for (String name : entries.keySet()) {
      if (!expected.contains(name)) {
        throw new IllegalArgumentException(
            "unexpected key '"
                + prefix
                + name
                + "' in "
                + opt.name()
                + " state dict; expected "
                + expected);
      }
    }
    for (String name : expected) {
      if (!entries.containsKey(name)) {
        throw new IllegalArgumentException(
            "missing key '" + prefix + name + "' in " + opt.name() + " state dict");
      }
    }
  }

  private static String describe(Tensor t) {
    return t.dtype() + " of shape " + Arrays.toString(t.shape());
  }
}
