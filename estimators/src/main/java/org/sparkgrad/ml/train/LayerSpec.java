package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkgrad.nn.GELU;
import org.sparkgrad.nn.LayerNorm;
import org.sparkgrad.nn.LeakyReLU;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sigmoid;
import org.sparkgrad.nn.Tanh;
import org.sparkgrad.tensor.Generator;

/**
 * One layer of a {@link NetworkSpec}: its JSON form, the module it builds, and how it changes the
 * shape of a row. Every layer but {@link BatchNormSpec} treats each row on its own, so that a
 * minibatch split over partitions computes what the whole minibatch would; batch normalisation
 * mixes the rows of a batch (docs/NETWORKS.md says what a fit does with it).
 *
 * <p>Shapes here are per row, without the batch dimension: {@code [C, H, W]} for an image.
 */
public sealed interface LayerSpec extends Serializable
    permits LayerSpec.Linear,
        LayerSpec.Activation,
        LayerSpec.LeakyRelu,
        LayerSpec.Dropout,
        LayerSpec.LayerNormSpec,
        Conv2dSpec,
        PoolSpec,
        FlattenSpec,
        EmbeddingSpec,
        BatchNormSpec {
  /** The {@code "type"} of the layer's JSON object. */
  String type();

  /** The layer's JSON object. */
  Map<String, Object> toJson();

  /** A new module, drawing any initial weights from {@code gen}. */
  Module build(Generator gen);

  /**
   * The shape of a row this layer outputs for input rows of shape {@code in}.
   *
   * @param source what gives {@code in}, for messages ("the layer before it outputs")
   * @throws IllegalArgumentException saying what the layer needs and what {@code source} gives,
   *     phrased to follow the layer's name ("has in_features=5 but ...")
   */
  int[] outputShape(int[] in, String source);

  /** The input shape this layer implies when no earlier layer or param gives one, or null. */
  default int[] impliedInput() {
    return null;
  }

  /** Whether the layer takes any shape of row, so that it needs no known input shape. */
  default boolean anyShape() {
    return false;
  }

  /** A row shape as messages show it: a vector's width as a number, else {@code [C, H, W]}. */
  static String show(int[] shape) {
    return shape.length == 1 ? Integer.toString(shape[0]) : Arrays.toString(shape);
  }

  /** {@code nn.Linear(inFeatures, outFeatures, bias)}. */
  record Linear(int inFeatures, int outFeatures, boolean bias) implements LayerSpec {
    /** Checks the sizes. */
    public Linear {
      if (inFeatures <= 0 || outFeatures <= 0) {
        throw new IllegalArgumentException(
            "linear layer sizes must be > 0, got in_features="
                + inFeatures
                + ", out_features="
                + outFeatures);
      }
    }

    @Override
    public String type() {
      return "linear";
    }

    @Override
    public Map<String, Object> toJson() {
      Map<String, Object> m = base(type());
      m.put("in_features", inFeatures);
      m.put("out_features", outFeatures);
      m.put("bias", bias);
      return m;
    }

    @Override
    public Module build(Generator gen) {
      return new org.sparkgrad.nn.Linear(inFeatures, outFeatures, bias, gen);
    }

    @Override
    public int[] outputShape(int[] in, String source) {
      if (in[in.length - 1] != inFeatures) {
        throw new IllegalArgumentException(
            "has in_features=" + inFeatures + " but " + source + " " + show(in));
      }
      int[] out = in.clone();
      out[out.length - 1] = outFeatures;
      return out;
    }

    @Override
    public int[] impliedInput() {
      return new int[] {inFeatures};
    }
  }

  /** A parameter-free activation: {@code relu}, {@code tanh}, {@code sigmoid} or {@code gelu}. */
  record Activation(String type) implements LayerSpec {
    /** Checks the name. */
    public Activation {
      if (!NetworkSpec.ACTIVATIONS.contains(type)) {
        throw new IllegalArgumentException(
            "unknown activation '" + type + "'; expected one of " + NetworkSpec.ACTIVATIONS);
      }
    }

    @Override
    public Map<String, Object> toJson() {
      return base(type);
    }

    @Override
    public Module build(Generator gen) {
      return switch (type) {
        case "relu" -> new ReLU();
        case "tanh" -> new Tanh();
        case "sigmoid" -> new Sigmoid();
        case "gelu" -> new GELU();
        default -> throw new IllegalStateException("unreachable: " + type);
      };
    }

    @Override
    public int[] outputShape(int[] in, String source) {
      return in;
    }

    @Override
    public boolean anyShape() {
      return true;
    }
  }

  /** {@code nn.LeakyReLU(negativeSlope)}. */
  record LeakyRelu(double negativeSlope) implements LayerSpec {
    @Override
    public String type() {
      return "leaky_relu";
    }

    @Override
    public Map<String, Object> toJson() {
      Map<String, Object> m = base(type());
      m.put("negative_slope", negativeSlope);
      return m;
    }

    @Override
    public Module build(Generator gen) {
      return new LeakyReLU(negativeSlope);
    }

    @Override
    public int[] outputShape(int[] in, String source) {
      return in;
    }

    @Override
    public boolean anyShape() {
      return true;
    }
  }

  /**
   * {@code nn.Dropout(p)}. While training, the trainer replaces it by {@link KeyedDropout}, whose
   * masks depend on (seed, epoch, step, row id, layer) only, so they do not depend on partitioning.
   */
  record Dropout(double p) implements LayerSpec {
    /** Checks the probability. */
    public Dropout {
      if (!(p >= 0 && p < 1)) {
        throw new IllegalArgumentException("dropout p must be in [0, 1), got " + p);
      }
    }

    @Override
    public String type() {
      return "dropout";
    }

    @Override
    public Map<String, Object> toJson() {
      Map<String, Object> m = base(type());
      m.put("p", p);
      return m;
    }

    @Override
    public Module build(Generator gen) {
      return new org.sparkgrad.nn.Dropout(p);
    }

    @Override
    public int[] outputShape(int[] in, String source) {
      return in;
    }

    @Override
    public boolean anyShape() {
      return true;
    }
  }

  /** {@code nn.LayerNorm(normalizedShape, eps, elementwiseAffine)} over the last dimension. */
  record LayerNormSpec(int normalizedShape, double eps, boolean elementwiseAffine)
      implements LayerSpec {
    /** Checks the size and epsilon. */
    public LayerNormSpec {
      if (normalizedShape <= 0) {
        throw new IllegalArgumentException(
            "layer_norm normalized_shape must be > 0, got " + normalizedShape);
      }
      if (!(eps > 0)) {
        throw new IllegalArgumentException("layer_norm eps must be > 0, got " + eps);
      }
    }

    @Override
    public String type() {
      return "layer_norm";
    }

    @Override
    public Map<String, Object> toJson() {
      Map<String, Object> m = base(type());
      m.put("normalized_shape", normalizedShape);
      m.put("eps", eps);
      m.put("elementwise_affine", elementwiseAffine);
      return m;
    }

    @Override
    public Module build(Generator gen) {
      return new LayerNorm(new int[] {normalizedShape}, eps, elementwiseAffine);
    }

    @Override
    public int[] outputShape(int[] in, String source) {
      if (in[in.length - 1] != normalizedShape) {
        throw new IllegalArgumentException(
            "has normalized_shape=" + normalizedShape + " but " + source + " " + show(in));
      }
      return in;
    }

    @Override
    public int[] impliedInput() {
      return new int[] {normalizedShape};
    }
  }

  /** A new JSON object with {@code "type": type}. */
  static Map<String, Object> base(String type) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    return m;
  }
}
