package org.sparkgrad.ml.train;

import java.util.Map;
import org.sparkgrad.nn.Conv2d;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Generator;

/**
 * {@code nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias)} with a square
 * kernel (an integer {@code kernel_size}), zero padding, dilation 1 and one group. Rows are {@code
 * [C, H, W]} images, so the network needs the {@code inputShape} param or an earlier layer that
 * outputs that shape.
 */
public record Conv2dSpec(
    int inChannels, int outChannels, int kernelSize, int stride, int padding, boolean bias)
    implements LayerSpec {
  /** Checks the sizes. */
  public Conv2dSpec {
    if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || stride <= 0) {
      throw new IllegalArgumentException(
          "conv2d in_channels, out_channels, kernel_size and stride must be > 0, got "
              + inChannels
              + ", "
              + outChannels
              + ", "
              + kernelSize
              + ", "
              + stride);
    }
    if (padding < 0) {
      throw new IllegalArgumentException("conv2d padding must be >= 0, got " + padding);
    }
  }

  @Override
  public String type() {
    return "conv2d";
  }

  @Override
  public Map<String, Object> toJson() {
    Map<String, Object> m = LayerSpec.base(type());
    m.put("in_channels", inChannels);
    m.put("out_channels", outChannels);
    m.put("kernel_size", kernelSize);
    m.put("stride", stride);
    m.put("padding", padding);
    m.put("bias", bias);
    return m;
  }

  @Override
  public Module build(Generator gen) {
    return new Conv2d(inChannels, outChannels, kernelSize, stride, padding, bias, gen);
  }

  @Override
  public int[] outputShape(int[] in, String source) {
    if (in.length != 3 || in[0] != inChannels) {
      throw new IllegalArgumentException(
          "needs rows of shape ["
              + inChannels
              + ", H, W] (in_channels="
              + inChannels
              + ") but "
              + source
              + " "
              + LayerSpec.show(in));
    }
    return new int[] {
      outChannels,
      windows(in[1], kernelSize, stride, padding, in, source),
      windows(in[2], kernelSize, stride, padding, in, source)
    };
  }

  /** The number of windows along a side of {@code size}, or an error if the kernel is larger. */
  static int windows(int size, int kernel, int stride, int padding, int[] in, String source) {
    if (size + 2 * padding < kernel) {
      throw new IllegalArgumentException(
          "has kernel_size="
              + kernel
              + ", larger than the padded input: "
              + source
              + " "
              + LayerSpec.show(in)
              + " with padding="
              + padding);
    }
    return (size + 2 * padding - kernel) / stride + 1;
  }
}
