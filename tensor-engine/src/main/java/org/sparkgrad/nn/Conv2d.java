package org.sparkgrad.nn;

import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * A 2-D convolution over {@code [N, C, H, W]} images with a square kernel, as PyTorch's {@code
 * nn.Conv2d} (dilation 1, one group, zero padding), computed by {@link Tensor#conv2d} as one GEMM
 * over the whole batch's patches.
 *
 * <p>Parameters: {@code weight} {@code [outC, inC, k, k]} and {@code bias} {@code [outC]}, both
 * initialised as PyTorch does from {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} with {@code fanIn = inC
 * * k * k} (kaiming_uniform with {@code a = sqrt(5)}), weight first, drawn from the given
 * generator.
 *
 * <p>Shape: input {@code [N, inC, H, W]}; output {@code [N, outC, OH, OW]} with {@code OH = (H + 2
 * padding - k) / stride + 1}, likewise {@code OW}.
 */
public final class Conv2d extends Module {
  private final int inChannels;
  private final int outChannels;
  private final int kernelSize;
  private final int stride;
  private final int padding;

  /**
   * Stride 1, no padding, with a bias, initialised from the {@linkplain
   * Generator#defaultGenerator() default generator}, as {@code nn.Conv2d(in, out, kernel_size)}.
   */
  public Conv2d(int inChannels, int outChannels, int kernelSize) {
    this(inChannels, outChannels, kernelSize, 1, 0, true, Generator.defaultGenerator());
  }

  /**
   * With a bias, initialised from the default generator, as {@code nn.Conv2d(in, out, kernel_size,
   * stride, padding)}. (There is no four-number form with a stride: {@code Conv2d(in, out, k,
   * seed)} takes a seed; pass the padding too.)
   */
  public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
    this(inChannels, outChannels, kernelSize, stride, padding, true, Generator.defaultGenerator());
  }

  /** Initialised from the default generator, as {@code nn.Conv2d(..., bias=bias)}. */
  public Conv2d(
      int inChannels, int outChannels, int kernelSize, int stride, int padding, boolean bias) {
    this(inChannels, outChannels, kernelSize, stride, padding, bias, Generator.defaultGenerator());
  }

  /** Stride 1, no padding, with a bias, initialised from {@code gen}. */
  public Conv2d(int inChannels, int outChannels, int kernelSize, Generator gen) {
    this(inChannels, outChannels, kernelSize, 1, 0, true, gen);
  }

  /** Stride 1, no padding, with a bias, initialised from a generator seeded with {@code seed}. */
  public Conv2d(int inChannels, int outChannels, int kernelSize, long seed) {
    this(inChannels, outChannels, kernelSize, 1, 0, true, new Generator(seed));
  }

  /** Initialised from a generator seeded with {@code seed}. */
  public Conv2d(
      int inChannels,
      int outChannels,
      int kernelSize,
      int stride,
      int padding,
      boolean bias,
      long seed) {
    this(inChannels, outChannels, kernelSize, stride, padding, bias, new Generator(seed));
  }

  /**
   * A convolution initialised from {@code gen}.
   *
   * @param stride the step between windows, &gt; 0
   * @param padding zeros added on each side, &gt;= 0
   * @param bias whether to learn an additive bias
   */
  public Conv2d(
      int inChannels,
      int outChannels,
      int kernelSize,
      int stride,
      int padding,
      boolean bias,
      Generator gen) {
    Init.checkPositive("Conv2d", "in_channels", inChannels);
    Init.checkPositive("Conv2d", "out_channels", outChannels);
    Init.checkPositive("Conv2d", "kernel_size", kernelSize);
    Init.checkPositive("Conv2d", "stride", stride);
    if (padding < 0) {
      throw new IllegalArgumentException("Conv2d: padding must be >= 0, got " + padding);
    }
    Init.checkGenerator(gen);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding;
    double bound = Init.defaultBound(inChannels * kernelSize * kernelSize);
    registerParameter(
        "weight", Init.uniform(gen, bound, outChannels, inChannels, kernelSize, kernelSize));
    registerParameter("bias", bias ? Init.uniform(gen, bound, outChannels) : null);
  }

  /** {@code [outC, inC, k, k]}. */
  public Tensor weight() {
    return param("weight");
  }

  /** {@code [outC]}, or null without a bias. */
  public Tensor bias() {
    return param("bias");
  }

  @Override
  public Tensor forward(Tensor input) {
    return F.conv2d(input, weight(), bias(), stride, padding);
  }

  @Override
  protected String extraRepr() {
    String s =
        inChannels
            + ", "
            + outChannels
            + ", kernel_size="
            + PyRepr.tuple(kernelSize, kernelSize)
            + ", stride="
            + PyRepr.tuple(stride, stride);
    if (padding != 0) {
      s += ", padding=" + PyRepr.tuple(padding, padding);
    }
    if (bias() == null) {
      s += ", bias=False";
    }
    return s;
  }
}
