package org.sparkgrad.nn;

import org.sparkgrad.backend.UnaryOp;
import org.sparkgrad.tensor.FusedOps;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * A fully connected layer {@code y = x W^T + b}, as PyTorch's {@code nn.Linear}, computed by one
 * fused GEMM ({@link Tensor#linear}).
 *
 * <p>Parameters: {@code weight} {@code [out, in]} and {@code bias} {@code [out]}, both initialised
 * as PyTorch does, from {@code U(-1/sqrt(in), 1/sqrt(in))} (kaiming_uniform with {@code a =
 * sqrt(5)}), weight first, drawn from the given generator, or from the {@linkplain
 * Generator#defaultGenerator() default generator} when none is given ({@code new Linear(50, 30)}
 * after {@code Tensor.manualSeed(s)} is the same layer every time, as in PyTorch).
 *
 * <p>Shape: input {@code [*, in]}, output {@code [*, out]}.
 */
public final class Linear extends Module {
  private final int inFeatures;
  private final int outFeatures;

  /** A layer with a bias, initialised from the default generator, as {@code nn.Linear(in, out)}. */
  public Linear(int inFeatures, int outFeatures) {
    this(inFeatures, outFeatures, true, Generator.defaultGenerator());
  }

  /** A layer initialised from the default generator, as {@code nn.Linear(in, out, bias)}. */
  public Linear(int inFeatures, int outFeatures, boolean bias) {
    this(inFeatures, outFeatures, bias, Generator.defaultGenerator());
  }

  /** A layer with a bias, initialised from {@code gen}. */
  public Linear(int inFeatures, int outFeatures, Generator gen) {
    this(inFeatures, outFeatures, true, gen);
  }

  /** A layer with a bias, initialised from a generator seeded with {@code seed}. */
  public Linear(int inFeatures, int outFeatures, long seed) {
    this(inFeatures, outFeatures, true, new Generator(seed));
  }

  /** A layer initialised from a generator seeded with {@code seed}. */
  public Linear(int inFeatures, int outFeatures, boolean bias, long seed) {
    this(inFeatures, outFeatures, bias, new Generator(seed));
  }

  /**
   * A layer initialised from {@code gen}.
   *
   * @param bias whether to learn an additive bias
   */
  public Linear(int inFeatures, int outFeatures, boolean bias, Generator gen) {
    Init.checkPositive("Linear", "in_features", inFeatures);
    Init.checkPositive("Linear", "out_features", outFeatures);
    Init.checkGenerator(gen);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    double bound = Init.defaultBound(inFeatures);
    registerParameter("weight", Init.uniform(gen, bound, outFeatures, inFeatures));
    registerParameter("bias", bias ? Init.uniform(gen, bound, outFeatures) : null);
  }

  /** {@code [out, in]}. */
  public Tensor weight() {
    return param("weight");
  }

  /** {@code [out]}, or null without a bias. */
  public Tensor bias() {
    return param("bias");
  }

  /** The size of each input sample. */
  public int inFeatures() {
    return inFeatures;
  }

  /** The size of each output sample. */
  public int outFeatures() {
    return outFeatures;
  }

  @Override
  public Tensor forward(Tensor input) {
    checkInput(input);
    return Tensor.linear(input, weight(), bias());
  }

  /**
   * {@code act(forward(input))} with the bias and the activation in one pass ({@link
   * FusedOps#linearActivation}), for {@link Sequential}; needs a bias.
   */
  Tensor forwardActivated(Tensor input, UnaryOp act) {
    checkInput(input);
    return FusedOps.linearActivation(input, weight(), bias(), act);
  }

  private void checkInput(Tensor input) {
    if (input.dim() == 0 || input.size(-1) != inFeatures) {
      throw new IllegalArgumentException(
          "Linear(in_features="
              + inFeatures
              + "): expected input of shape [*, "
              + inFeatures
              + "], got "
              + java.util.Arrays.toString(input.shape()));
    }
  }

  @Override
  protected String extraRepr() {
    return "in_features="
        + inFeatures
        + ", out_features="
        + outFeatures
        + ", bias="
        + PyRepr.bool(bias() != null);
  }
}
