package org.sparkgrad.ml.train;

import java.io.Serializable;
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
 * width of a row. Only layers that treat every row on its own are offered, so that a minibatch
 * split over partitions computes what the whole minibatch would ({@code BatchNorm1d} mixes rows and
 * is therefore not a layer here).
 */
public sealed interface LayerSpec extends Serializable {
  /** The {@code "type"} of the layer's JSON object. */
  String type();

  /** The layer's JSON object. */
  Map<String, Object> toJson();

  /** A new module, drawing any initial weights from {@code gen}. */
  Module build(Generator gen);

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
  }

  private static Map<String, Object> base(String type) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    return m;
  }
}
