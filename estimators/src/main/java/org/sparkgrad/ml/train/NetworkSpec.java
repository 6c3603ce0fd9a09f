package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.nn.BatchNorm1d;
import org.sparkgrad.nn.BatchNorm2d;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.util.StrictJson;

/**
 * A {@code Sequential} network described as data, so that it can be given as a param, shipped to
 * executors and saved beside the weights. JSON form (PyTorch's layer and argument names):
 *
 * <pre>{@code
 * {"input_shape": [1, 28, 28],
 *  "layers": [
 *   {"type": "conv2d", "in_channels": 1, "out_channels": 8, "kernel_size": 3, "padding": 1},
 *   {"type": "relu"},
 *   {"type": "max_pool2d", "kernel_size": 2},
 *   {"type": "flatten"},
 *   {"type": "dropout", "p": 0.2},
 *   {"type": "linear", "in_features": 1568, "out_features": 10}
 * ]}
 * }</pre>
 *
 * <p>Layer types: {@code linear}, {@code relu}, {@code tanh}, {@code sigmoid}, {@code gelu}, {@code
 * leaky_relu}, {@code dropout}, {@code layer_norm}, {@code conv2d}, {@code max_pool2d}, {@code
 * avg_pool2d}, {@code flatten}, {@code embedding}, {@code batch_norm1d} and {@code batch_norm2d}
 * (see docs/NETWORKS.md). Each row's flat features are reshaped to {@code input_shape} (the {@code
 * inputShape} param) before the first layer; without it a row is a vector whose width the first
 * sized layer ({@code linear}, {@code layer_norm}) gives. Each layer's input shape must be what the
 * layer before it outputs, and the last layer must output a vector (one value per output). The
 * network needs at least one {@code linear}. Built with a seed, the parameters are drawn in layer
 * order from one generator, so the same spec and seed give the same initial weights; the state-dict
 * names are those of PyTorch's {@code nn.Sequential} of the same layers ({@code 0.weight}, ...),
 * since the reshape to {@code input_shape} is not a layer.
 *
 * <p>A spec can instead hold a user's own module ({@link #ofModule}): its builder makes the module,
 * whose state-dict names are its own; the sizes are those the fit measured with a forward pass.
 */
public final class NetworkSpec implements Serializable {
  private static final long serialVersionUID = 3L;

  /** The parameter-free activations. */
  public static final List<String> ACTIVATIONS = List.of("relu", "tanh", "sigmoid", "gelu");

  private final List<LayerSpec> layers;
  private final int[] inputShape;
  private final int inputSize;
  private final int outputSize;
  // Null for a Sequential of layers.
  private final UserModule module;
  // A user module's inputs when its forward takes several (featuresCols); empty for one flat input.
  private final List<NetworkInput> inputs;
  private transient volatile Boolean batchStatistics;

  /**
   * A network of {@code layers} taking flat rows.
   *
   * @throws IllegalArgumentException if there is no linear layer or the shapes do not chain
   */
  public NetworkSpec(List<LayerSpec> layers) {
    this(layers, null);
  }

  /**
   * A network of {@code layers} whose rows are reshaped to {@code inputShape} (null or empty: flat
   * rows).
   *
   * @throws IllegalArgumentException naming the layer whose input shape does not fit, or if there
   *     is no linear layer
   */
  public NetworkSpec(List<LayerSpec> layers, int[] inputShape) {
    this.layers = List.copyOf(layers);
    this.inputShape = inputShape == null || inputShape.length == 0 ? null : inputShape.clone();
    if (!this.layers.stream().anyMatch(l -> l instanceof LayerSpec.Linear)) {
      throw new IllegalArgumentException("network needs at least one linear layer");
    }
    int[] first = this.inputShape;
    int[] shape = first;
    String source = "the inputShape param gives";
    for (int i = 0; i < this.layers.size(); i++) {
      LayerSpec l = this.layers.get(i);
      String what = "network layer " + i + " (" + l.type() + ")";
      if (l instanceof EmbeddingSpec && i > 0) {
        throw new IllegalArgumentException(
            what + " must be the first layer: it reads the features as indices");
      }
      if (shape == null) {
        shape = l.impliedInput();
        first = shape;
        if (shape == null) {
          if (l.anyShape()) {
            continue;
          }
          throw new IllegalArgumentException(
              what
                  + " needs the shape of a row: set the inputShape param (for example [1, 28, 28]"
                  + " for 28x28 images of one channel)");
        }
      }
      int[] out;
      try {
        out = l.outputShape(shape, source);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(what + " " + e.getMessage(), e);
      }
      source = "the layer before it outputs";
      shape = out;
    }
    if (shape.length != 1) {
      throw new IllegalArgumentException(
          "network: the last layer outputs "
              + LayerSpec.show(shape)
              + " per row; the network must output a vector per row (end with flatten and"
              + " linear)");
    }
    this.inputSize = product(first);
    this.outputSize = shape[0];
    this.module = null;
    this.inputs = List.of();
  }

  private NetworkSpec(
      UserModule module,
      int[] inputShape,
      int inputSize,
      int outputSize,
      List<NetworkInput> inputs) {
    this.layers = List.of();
    this.inputShape = inputShape == null || inputShape.length == 0 ? null : inputShape.clone();
    this.inputSize = inputSize;
    this.outputSize = outputSize;
    this.module = module;
    this.inputs = List.copyOf(inputs);
  }

  /**
   * A user's own module, which takes rows of {@code inputSize} features (reshaped to {@code
   * inputShape} when not null or empty) and outputs {@code outputSize} values per row.
   */
  public static NetworkSpec ofModule(
      UserModule module, int[] inputShape, int inputSize, int outputSize) {
    return new NetworkSpec(module, inputShape, inputSize, outputSize, List.of());
  }

  /**
   * A user's own module whose forward takes one tensor per input of {@code inputs} ({@code
   * forward(Tensor...)}), cut in order from each row's flat features, and outputs {@code
   * outputSize} values per row.
   */
  public static NetworkSpec ofModule(UserModule module, List<NetworkInput> inputs, int outputSize) {
    int size = 0;
    for (NetworkInput in : inputs) {
      size += in.width();
    }
    return new NetworkSpec(module, null, size, outputSize, inputs);
  }

  /** The inputs of a module whose forward takes several tensors; empty for one flat input. */
  public List<NetworkInput> inputs() {
    return inputs;
  }

  /** The user's own module, or null for a {@code Sequential} of layers. */
  public UserModule userModule() {
    return module;
  }

  private static int product(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "network input shape " + Arrays.toString(shape) + " has more than 2^31 values");
    }
    return (int) n;
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
   *     that is missing, unknown or out of range, or the layer whose shapes do not chain
   */
  public static NetworkSpec parse(String json) {
    NetworkJson.Parsed p = NetworkJson.parse(json);
    return new NetworkSpec(p.layers(), p.inputShape());
  }

  /**
   * Parses the JSON form's layers, each checked on its own; how they chain is not checked (it can
   * depend on an input shape given elsewhere). An {@code input_shape} in the JSON is checked and
   * ignored.
   *
   * @throws IllegalArgumentException naming the position of malformed JSON, or the layer and key
   *     that is missing, unknown or out of range
   */
  public static List<LayerSpec> parseLayers(String json) {
    return NetworkJson.parse(json).layers();
  }

  /** The JSON form's {@code input_shape}, or null when it has none (checked as {@link #parse}). */
  public static int[] parseInputShape(String json) {
    return NetworkJson.parse(json).inputShape();
  }

  /** This network with rows reshaped to {@code shape} (null or empty: flat rows). */
  public NetworkSpec withInputShape(int[] shape) {
    return new NetworkSpec(layers, shape);
  }

  /**
   * The JSON form, which {@link #parse} reads back to an equal spec. A user module's is {@code
   * {"module_class": ..., "input_shape": [...], "input_size": n, "output_size": m}}, which a saved
   * model reads back by loading the class.
   */
  public String toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    if (module != null) {
      root.put("module_class", module.className());
    }
    if (inputShape != null) {
      List<Object> dims = new ArrayList<>();
      for (int d : inputShape) {
        dims.add(d);
      }
      root.put("input_shape", dims);
    }
    if (module != null) {
      root.put("input_size", inputSize);
      root.put("output_size", outputSize);
      if (!inputs.isEmpty()) {
        List<Object> items = new ArrayList<>();
        for (NetworkInput in : inputs) {
          items.add(in.toJson());
        }
        root.put("inputs", items);
      }
      return StrictJson.write(root);
    }
    List<Object> items = new ArrayList<>();
    for (LayerSpec l : layers) {
      items.add(l.toJson());
    }
    root.put("layers", items);
    return StrictJson.write(root);
  }

  /**
   * A string that differs between networks that build differently: the JSON form, and for a user
   * module also the digest of its builder.
   */
  public String cacheKey() {
    return module == null ? toJson() : toJson() + "#" + module.key();
  }

  /** The layers, in order; empty for a user module. */
  public List<LayerSpec> layers() {
    return layers;
  }

  /** The shape each row's features are reshaped to before the first layer, or null for none. */
  public int[] inputShape() {
    return inputShape == null ? null : inputShape.clone();
  }

  /** The width of an input row (the product of {@link #inputShape} when there is one). */
  public int inputSize() {
    return inputSize;
  }

  /** The width of an output row. */
  public int outputSize() {
    return outputSize;
  }

  /**
   * Whether the network normalises with batch statistics in training mode (a {@code batch_norm1d}
   * or {@code batch_norm2d} layer, or a user module holding a {@code BatchNorm1d} or {@code
   * BatchNorm2d}): its steps then sum those statistics across partitions ({@link GradientStep}).
   */
  public boolean batchStatistics() {
    Boolean b = batchStatistics;
    if (b == null) {
      b =
          module == null
              ? layers.stream().anyMatch(l -> l instanceof BatchNormSpec)
              : hasBatchNorm(module(0));
      batchStatistics = b;
    }
    return b;
  }

  private static boolean hasBatchNorm(Module m) {
    if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) {
      return true;
    }
    for (Module c : m.children()) {
      if (hasBatchNorm(c)) {
        return true;
      }
    }
    return false;
  }

  /** The embedding's {@code num_embeddings} when the first layer is one, else 0. */
  public int embeddingIndices() {
    return !layers.isEmpty() && layers.get(0) instanceof EmbeddingSpec e ? e.numEmbeddings() : 0;
  }

  /**
   * A new network with initial weights drawn from a generator seeded {@code seed}: the {@code
   * Sequential} of {@link #build}, or what a user module's builder makes from that generator.
   *
   * @throws IllegalStateException if a user module's builder returns null
   */
  public Module module(long seed) {
    if (module == null) {
      return build(seed);
    }
    Module m = module.builder().create(new Generator(seed));
    if (m == null) {
      throw new IllegalStateException(
          "the module factory " + module.className() + " returned null instead of a Module");
    }
    return m;
  }

  /**
   * A new network with initial weights drawn, layer by layer, from a generator seeded {@code seed}.
   *
   * @throws IllegalStateException for a user module, which need not be a {@code Sequential} (use
   *     {@link #module})
   */
  public Sequential build(long seed) {
    if (module != null) {
      throw new IllegalStateException(
          "a user module (" + module.className() + ") is built with module(seed), not build");
    }
    Generator gen = new Generator(seed);
    Sequential net = new Sequential();
    for (LayerSpec l : layers) {
      net.add(l.build(gen));
    }
    return net;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkSpec other
        && layers.equals(other.layers)
        && Arrays.equals(inputShape, other.inputShape)
        && inputs.equals(other.inputs)
        && (module == null
            ? other.module == null
            : other.module != null
                && module.key().equals(other.module.key())
                && inputSize == other.inputSize
                && outputSize == other.outputSize);
  }

  @Override
  public int hashCode() {
    return 31 * layers.hashCode()
        + Arrays.hashCode(inputShape)
        + (module == null ? 0 : module.key().hashCode());
  }

  @Override
  public String toString() {
    return toJson();
  }
}
