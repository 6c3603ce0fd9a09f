package org.sparkgrad.nn;

import org.sparkgrad.tensor.Tensor;

/**
 * {@code x} where {@code x > 0}, else {@code negativeSlope * x}, as PyTorch's {@code nn.LeakyReLU}.
 *
 * <p>Shape: any input; the output has the same shape.
 */
public final class LeakyReLU extends Module {
  private final double negativeSlope;

  /** PyTorch's default slope, 0.01. */
  public LeakyReLU() {
    this(0.01);
  }

  /** The given slope for negative inputs. */
  public LeakyReLU(double negativeSlope) {
    if (!Double.isFinite(negativeSlope)) {
      throw new IllegalArgumentException(
          "LeakyReLU: negative slope must be finite, got " + negativeSlope);
    }
    this.negativeSlope = negativeSlope;
  }

  /** The factor applied to negative inputs. */
  public double negativeSlope() {
    return negativeSlope;
  }

  @Override
  public Tensor forward(Tensor input) {
    return F.leakyRelu(input, negativeSlope);
  }

  @Override
  protected String extraRepr() {
    return "negative_slope=" + PyRepr.floatRepr(negativeSlope);
  }
}
