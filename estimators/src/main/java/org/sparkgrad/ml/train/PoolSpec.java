package org.sparkgrad.ml.train;

import java.util.Map;
import org.sparkgrad.nn.AvgPool2d;
import org.sparkgrad.nn.MaxPool2d;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Generator;

/**
 * {@code nn.MaxPool2d} or {@code nn.AvgPool2d} ({@code kernel_size}, {@code stride} defaulting to
 * {@code kernel_size}, {@code padding}) over square windows of {@code [C, H, W]} rows; the average
 * counts padded positions as zeros ({@code count_include_pad=True}), the maximum never picks them.
 *
 * @param type {@code max_pool2d} or {@code avg_pool2d}
 */
public record PoolSpec(String type, int kernelSize, int stride, int padding) implements LayerSpec {
  /** Checks the type and sizes (padding at most half the kernel, as PyTorch requires). */
  public PoolSpec {
    if (!type.equals("max_pool2d") && !type.equals("avg_pool2d")) {
      throw new IllegalArgumentException(
          "unknown pooling '" + type + "'; expected max_pool2d or avg_pool2d");
    }
    if (kernelSize <= 0 || stride <= 0) {
      throw new IllegalArgumentException(
          type + " kernel_size and stride must be > 0, got " + kernelSize + ", " + stride);
    }
    if (padding < 0 || padding > kernelSize / 2) {
      throw new IllegalArgumentException(
          type
              + " padding must be in [0, kernel_size / 2] = [0, "
              + kernelSize / 2
              + "], got "
              + padding);
    }
  }

  @Override
  public Map<String, Object> toJson() {
    Map<String, Object> m = LayerSpec.base(type);
    m.put("kernel_size", kernelSize);
    m.put("stride", stride);
    m.put("padding", padding);
    return m;
  }

  @Override
  public Module build(Generator gen) {
    return type.equals("max_pool2d")
        ? new MaxPool2d(kernelSize, stride, padding)
        : new AvgPool2d(kernelSize, stride, padding);
  }

  @Override
  public int[] outputShape(int[] in, String source) {
    if (in.length != 3) {
      throw new IllegalArgumentException(
          "needs rows of shape [C, H, W] but " + source + " " + LayerSpec.show(in));
    }
    return new int[] {
      in[0],
      Conv2dSpec.windows(in[1], kernelSize, stride, padding, in, source),
      Conv2dSpec.windows(in[2], kernelSize, stride, padding, in, source)
    };
  }
}
