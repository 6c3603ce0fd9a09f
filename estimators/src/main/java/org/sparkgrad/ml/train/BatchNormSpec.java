package org.sparkgrad.ml.train;

import java.util.Map;
import org.sparkgrad.nn.BatchNorm1d;
import org.sparkgrad.nn.BatchNorm2d;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Generator;

/**
 * {@code nn.BatchNorm1d} or {@code nn.BatchNorm2d} ({@code num_features}, {@code eps}, {@code
 * momentum}, {@code affine}, {@code track_running_stats}, PyTorch's defaults {@code 1e-5}, {@code
 * 0.1}, true, true). {@code batch_norm1d} takes rows of shape {@code [C]} or {@code [C, L]}, {@code
 * batch_norm2d} rows of shape {@code [C, H, W]}, both with {@code C = num_features}; the output has
 * the input's shape. Its state-dict entries are PyTorch's: {@code weight} and {@code bias} (with
 * {@code affine}), {@code running_mean}, {@code running_var} and {@code num_batches_tracked} (with
 * {@code track_running_stats}).
 *
 * <p>Batch normalisation mixes the rows of a batch, unlike every other layer of a spec; see
 * docs/NETWORKS.md for what that means on Spark.
 *
 * @param type {@code batch_norm1d} or {@code batch_norm2d}
 * @param momentum the running statistics' update factor in [0, 1], or null for PyTorch's {@code
 *     momentum=None} (a cumulative average)
 */
public record BatchNormSpec(
    String type,
    int numFeatures,
    double eps,
    Double momentum,
    boolean affine,
    boolean trackRunningStats)
    implements LayerSpec {
  /** Checks the type and the arguments as PyTorch's {@code _BatchNorm} does. */
  public BatchNormSpec {
    if (!type.equals("batch_norm1d") && !type.equals("batch_norm2d")) {
      throw new IllegalArgumentException(
          "unknown batch norm '" + type + "'; expected batch_norm1d or batch_norm2d");
    }
    if (numFeatures <= 0) {
      throw new IllegalArgumentException(type + " num_features must be > 0, got " + numFeatures);
    }
    if (!(eps > 0)) {
      throw new IllegalArgumentException(type + " eps must be > 0, got " + eps);
    }
    if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException(
          type + " momentum must be in [0, 1] or null, got " + momentum);
    }
  }

  /** A layer of PyTorch's default arguments over {@code numFeatures} channels. */
  public static BatchNormSpec of(String type, int numFeatures) {
    return new BatchNormSpec(type, numFeatures, 1e-5, 0.1, true, true);
  }

  @Override
  public Map<String, Object> toJson() {
    Map<String, Object> m = LayerSpec.base(type);
    m.put("num_features", numFeatures);
    m.put("eps", eps);
    m.put("momentum", momentum);
    m.put("affine", affine);
    m.put("track_running_stats", trackRunningStats);
    return m;
  }

  @Override
  public Module build(Generator gen) {
    return type.equals("batch_norm1d")
        ? new BatchNorm1d(numFeatures, eps, momentum, affine, trackRunningStats)
        : new BatchNorm2d(numFeatures, eps, momentum, affine, trackRunningStats);
  }

  @Override
  public int[] outputShape(int[] in, String source) {
    boolean oneD = type.equals("batch_norm1d");
    boolean rankFits = oneD ? in.length == 1 || in.length == 2 : in.length == 3;
    if (!rankFits || in[0] != numFeatures) {
      throw new IllegalArgumentException(
          "needs rows of shape "
              + (oneD ? "[" + numFeatures + "] or [" + numFeatures + ", L]" : "[" + numFeatures)
              + (oneD ? "" : ", H, W]")
              + " (num_features="
              + numFeatures
              + ") but "
              + source
              + " "
              + LayerSpec.show(in));
    }
    return in;
  }

  @Override
  public int[] impliedInput() {
    return type.equals("batch_norm1d") ? new int[] {numFeatures} : null;
  }
}
