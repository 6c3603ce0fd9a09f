package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.util.Json;

/**
 * A {@code Sequential} network described as data, so that it can be given as a param, shipped to
 * executors and saved beside the weights. JSON form (PyTorch's argument names):
 *
 * <pre>{@code
 * {"layers": [
 *   {"type": "linear", "in_features": 784, "out_features": 128, "bias": true},
 *   {"type": "relu"},
 *   {"type": "dropout", "p": 0.2},
 *   {"type": "layer_norm", "normalized_shape": 128, "eps": 1e-5, "elementwise_affine": true},
 *   {"type": "linear", "in_features": 128, "out_features": 10}
 * ]}
 * }</pre>
 *
 * <p>Layer types: {@code linear}, {@code relu}, {@code tanh}, {@code sigmoid}, {@code gelu}, {@code
 * leaky_relu} ({@code negative_slope}, default 0.01), {@code dropout} ({@code p}) and {@code
 * layer_norm}. The network needs at least one {@code linear}; each layer's input width must be the
 * previous output width. Its input size is the first {@code linear}'s {@code in_features}, its
 * output size the last one's {@code out_features}. Built with a seed, the parameters are drawn in
 * layer order from one generator, so the same spec and seed give the same initial weights.
 */
public final class NetworkSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The parameter-free activations. */
  public static final List<String> ACTIVATIONS = List.of("relu", "tanh", "sigmoid", "gelu");

  private final List<LayerSpec> layers;
  private final int inputSize;
  private final int outputSize;

  /**
   * A network of {@code layers}.
   *
   * @throws IllegalArgumentException if there is no linear layer or widths do not chain
   */
  public NetworkSpec(List<LayerSpec> layers) {
    this.layers = List.copyOf(layers);
    int in = -1;
    int width = -1;
    for (int i = 0; i < this.layers.size(); i++) {
      LayerSpec l = this.layers.get(i);
      if (l instanceof LayerSpec.Linear lin) {
        if (width >= 0 && lin.inFeatures() != width) {
          throw new IllegalArgumentException(
              "network layer "
                  + i
                  + " (linear) has in_features="
                  + lin.inFeatures()
                  + " but the layer before it outputs "
                  + width);
        }
        if (in < 0) {
          in = lin.inFeatures();
        }
        width = lin.outFeatures();
      } else if (l instanceof LayerSpec.LayerNormSpec ln) {
        if (width >= 0 && ln.normalizedShape() != width) {
          throw new IllegalArgumentException(
              "network layer "
                  + i
                  + " (layer_norm) has normalized_shape="
                  + ln.normalizedShape()
                  + " but the layer before it outputs "
                  + width);
        }
        if (width < 0) {
          width = ln.normalizedShape();
          in = width;
        }
      }
    }
    if (in < 0 || !this.layers.stream().anyMatch(l -> l instanceof LayerSpec.Linear)) {
      throw new IllegalArgumentException("network needs at least one linear layer");
    }
    this.inputSize = in;
    this.outputSize = width;
  }

  /**
   * The simple network: a {@code Linear} per hidden size, each followed by {@code activation} and,
   * if {@code dropout > 0}, a {@code Dropout}; then an output {@code Linear}.
   */
  public static NetworkSpec simple(
      int inputSize, int[] hiddenLayers, String activation, double dropout, int outputSize) {
    List<LayerSpec> layers = new ArrayList<>();
    int width = inputSize;
    for (int h : hiddenLayers) {
      layers.add(new LayerSpec.Linear(width, h, true));
      layers.add(new LayerSpec.Activation(activation));
      if (dropout > 0) {
        layers.add(new LayerSpec.Dropout(dropout));
      }
      width = h;
    }
    layers.add(new LayerSpec.Linear(width, outputSize, true));
    return new NetworkSpec(layers);
  }

  /**
   * Parses the JSON form.
   *
   * @throws IllegalArgumentException naming the position of malformed JSON, or the layer and key
   *     that is missing, unknown or out of range
   */
  public static NetworkSpec parse(String json) {
    Map<String, Object> root;
    try {
      root = Json.parseObject(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("network JSON is malformed: " + e.getMessage(), e);
    }
    checkKeys(root, Set.of("layers"), "network JSON");
    if (!root.containsKey("layers")) {
      throw new IllegalArgumentException("network JSON needs a \"layers\" array");
    }
    List<Object> items = Json.asList(root.get("layers"), "network JSON \"layers\"");
    List<LayerSpec> layers = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      layers.add(parseLayer(Json.asObject(items.get(i), "network layer " + i), i));
    }
    return new NetworkSpec(layers);
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
        default ->
            throw new IllegalArgumentException(
                "unknown type '"
                    + type
                    + "'; expected one of [linear, relu, tanh, sigmoid, gelu, leaky_relu, dropout,"
                    + " layer_norm]");
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

  /** The JSON form, which {@link #parse} reads back to an equal spec. */
  public String toJson() {
    List<Object> items = new ArrayList<>();
    for (LayerSpec l : layers) {
      items.add(l.toJson());
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("layers", items);
    return Json.write(root);
  }

  /** The layers, in order. */
  public List<LayerSpec> layers() {
    return layers;
  }

  /** The width of an input row. */
  public int inputSize() {
    return inputSize;
  }

  /** The width of an output row. */
  public int outputSize() {
    return outputSize;
  }

  /**
   * A new network with initial weights drawn, layer by layer, from a generator seeded {@code seed}.
   */
  public Sequential build(long seed) {
    Generator gen = new Generator(seed);
    Sequential net = new Sequential();
    for (LayerSpec l : layers) {
      net.add(l.build(gen));
    }
    return net;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkSpec other && layers.equals(other.layers);
  }

  @Override
  public int hashCode() {
    return layers.hashCode();
  }

  @Override
  public String toString() {
    return toJson();
  }
}
