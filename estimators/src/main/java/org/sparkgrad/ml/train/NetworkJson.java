package org.sparkgrad.ml.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparkgrad.util.StrictJson;

/**
 * Reads the JSON form of a {@link NetworkSpec} (parsed by Jackson, {@link StrictJson}): each layer
 * object by its {@code "type"}, with PyTorch's argument names, every key checked. Errors name the
 * position of malformed JSON, or the layer's index and the key that is missing, unknown or out of
 * range.
 */
final class NetworkJson {
  static final List<String> TYPES =
      List.of(
          "linear",
          "relu",
          "tanh",
          "sigmoid",
          "gelu",
          "leaky_relu",
          "dropout",
          "layer_norm",
          "conv2d",
          "max_pool2d",
          "avg_pool2d",
          "flatten",
          "embedding",
          "batch_norm1d",
          "batch_norm2d");

  private NetworkJson() {}

  /** The parsed root object: its layers and its {@code input_shape} (null when absent). */
  record Parsed(List<LayerSpec> layers, List<Integer> shape) {
    int[] inputShape() {
      return shape == null ? null : shape.stream().mapToInt(Integer::intValue).toArray();
    }
  }

  static Parsed parse(String json) {
    Map<String, Object> root;
    try {
      root = StrictJson.parseObject(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("network JSON is malformed: " + e.getMessage(), e);
    }
    checkKeys(root, Set.of("layers", "input_shape"), "network JSON");
    if (!root.containsKey("layers")) {
      throw new IllegalArgumentException("network JSON needs a \"layers\" array");
    }
    List<Object> items = StrictJson.asList(root.get("layers"), "network JSON \"layers\"");
    List<LayerSpec> layers = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      layers.add(parseLayer(StrictJson.asObject(items.get(i), "network layer " + i), i));
    }
    List<Integer> shape = null;
    if (root.containsKey("input_shape")) {
      List<Object> dims =
          StrictJson.asList(root.get("input_shape"), "network JSON \"input_shape\"");
      shape = new ArrayList<>();
      for (int d = 0; d < dims.size(); d++) {
        if (!(dims.get(d) instanceof Long l) || l <= 0 || l > Integer.MAX_VALUE) {
          throw new IllegalArgumentException(
              "network JSON \"input_shape\" must hold sizes > 0, got " + dims);
        }
        shape.add(l.intValue());
      }
    }
    return new Parsed(layers, shape);
  }

  private static LayerSpec parseLayer(Map<String, Object> o, int i) {
    String what = "network layer " + i;
    if (!(o.get("type") instanceof String type)) {
      throw new IllegalArgumentException(what + " needs a string \"type\"");
    }
    try {
      return switch (type) {
        case "linear" -> {
          checkKeys(o, Set.of("type", "in_features", "out_features", "bias"), what);
          yield new LayerSpec.Linear(
              intKey(o, "in_features", what),
              intKey(o, "out_features", what),
              boolKey(o, "bias", true, what));
        }
        case "relu", "tanh", "sigmoid", "gelu" -> {
          checkKeys(o, Set.of("type"), what);
          yield new LayerSpec.Activation(type);
        }
        case "leaky_relu" -> {
          checkKeys(o, Set.of("type", "negative_slope"), what);
          yield new LayerSpec.LeakyRelu(doubleKey(o, "negative_slope", 0.01, what));
        }
        case "dropout" -> {
          checkKeys(o, Set.of("type", "p"), what);
          yield new LayerSpec.Dropout(doubleKey(o, "p", 0.5, what));
        }
        case "layer_norm" -> {
          checkKeys(o, Set.of("type", "normalized_shape", "eps", "elementwise_affine"), what);
          yield new LayerSpec.LayerNormSpec(
              intKey(o, "normalized_shape", what),
              doubleKey(o, "eps", 1e-5, what),
              boolKey(o, "elementwise_affine", true, what));
        }
        case "conv2d" -> {
          checkKeys(
              o,
              Set.of(
                  "type",
                  "in_channels",
                  "out_channels",
                  "kernel_size",
                  "stride",
                  "padding",
                  "bias"),
              what);
          yield new Conv2dSpec(
              intKey(o, "in_channels", what),
              intKey(o, "out_channels", what),
              intKey(o, "kernel_size", what),
              intKey(o, "stride", 1, what),
              intKey(o, "padding", 0, what),
              boolKey(o, "bias", true, what));
        }
        case "max_pool2d", "avg_pool2d" -> {
          checkKeys(o, Set.of("type", "kernel_size", "stride", "padding"), what);
          int k = intKey(o, "kernel_size", what);
          yield new PoolSpec(type, k, intKey(o, "stride", k, what), intKey(o, "padding", 0, what));
        }
        case "flatten" -> {
          checkKeys(o, Set.of("type"), what);
          yield new FlattenSpec();
        }
        case "embedding" -> {
          checkKeys(o, Set.of("type", "num_embeddings", "embedding_dim"), what);
          yield new EmbeddingSpec(
              intKey(o, "num_embeddings", what), intKey(o, "embedding_dim", what));
        }
        case "batch_norm1d", "batch_norm2d" -> {
          checkKeys(
              o,
              Set.of("type", "num_features", "eps", "momentum", "affine", "track_running_stats"),
              what);
          yield new BatchNormSpec(
              type,
              intKey(o, "num_features", what),
              doubleKey(o, "eps", 1e-5, what),
              nullableDoubleKey(o, "momentum", 0.1, what),
              boolKey(o, "affine", true, what),
              boolKey(o, "track_running_stats", true, what));
        }
        default ->
            throw new IllegalArgumentException(
                "unknown type '" + type + "'; expected one of " + TYPES);
      };
    } catch (IllegalArgumentException e) {
      throw e.getMessage().startsWith(what)
          ? e
          : new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }

  private static void checkKeys(Map<String, Object> o, Set<String> allowed, String what) {
    for (String k : o.keySet()) {
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException(
            what
                + " has unknown key \""
                + k
                + "\"; allowed: "
                + allowed.stream().sorted().toList());
      }
    }
  }

  private static int intKey(Map<String, Object> o, String key, String what) {
    Object v = o.get(key);
    if (!(v instanceof Long l) || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + " needs an integer \"" + key + "\", got " + v);
    }
    return l.intValue();
  }

  private static int intKey(Map<String, Object> o, String key, int dflt, String what) {
    return o.get(key) == null && !o.containsKey(key) ? dflt : intKey(o, key, what);
  }

  private static double doubleKey(Map<String, Object> o, String key, double dflt, String what) {
    Object v = o.get(key);
    if (v == null && !o.containsKey(key)) {
      return dflt;
    }
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException(what + " needs a number \"" + key + "\", got " + v);
    }
    return n.doubleValue();
  }

  /** As {@link #doubleKey}, but an explicit JSON {@code null} is Java null (PyTorch's None). */
  private static Double nullableDoubleKey(
      Map<String, Object> o, String key, double dflt, String what) {
    return o.containsKey(key) && o.get(key) == null ? null : doubleKey(o, key, dflt, what);
  }

  private static boolean boolKey(Map<String, Object> o, String key, boolean dflt, String what) {
    Object v = o.get(key);
    if (v == null && !o.containsKey(key)) {
      return dflt;
    }
    if (!(v instanceof Boolean b)) {
      throw new IllegalArgumentException(what + " needs a boolean \"" + key + "\", got " + v);
    }
    return b;
  }
}
