package org.sparkgrad.nn;

import org.sparkgrad.tensor.Tensor;

/**
 * Layer normalisation over the trailing dimensions, as PyTorch's {@code nn.LayerNorm}:
 *
 * <pre>
 *   y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias
 * </pre>
 *
 * with the mean and the biased variance over the last {@code normalizedShape.length} dimensions of
 * each sample. The same in training and evaluation.
 *
 * <p>Parameters (with {@code elementwiseAffine}): {@code weight} (ones) and {@code bias} (zeros),
 * both of shape {@code normalizedShape}.
 *
 * <p>Shape: input {@code [*, normalizedShape...]}; the output has the same shape.
 */
public final class LayerNorm extends Module {
  private final int[] normalizedShape;
  private final double eps;
  private final boolean elementwiseAffine;

  /** {@code eps = 1e-5} with a learned weight and bias. */
  public LayerNorm(int... normalizedShape) {
    this(normalizedShape, 1e-5, true);
  }

  /**
   * Normalises over {@code normalizedShape}.
   *
   * @param eps added to the variance for stability; must be &gt;= 0
   * @param elementwiseAffine whether to learn a weight and bias
   */
  public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
    if (normalizedShape.length == 0) {
      throw new IllegalArgumentException("LayerNorm: normalized shape must not be empty");
    }
    for (int s : normalizedShape) {
      Init.checkPositive("LayerNorm", "each normalized dimension", s);
    }
    if (!(eps >= 0)) {
      throw new IllegalArgumentException("LayerNorm: eps must be >= 0, got " + eps);
    }
    this.normalizedShape = normalizedShape.clone();
    this.eps = eps;
    this.elementwiseAffine = elementwiseAffine;
    registerParameter(
        "weight", elementwiseAffine ? Tensor.ones(normalizedShape).requiresGrad(true) : null);
    registerParameter(
        "bias", elementwiseAffine ? Tensor.zeros(normalizedShape).requiresGrad(true) : null);
  }

  /** The normalised trailing shape (a copy). */
  public int[] normalizedShape() {
    return normalizedShape.clone();
  }

  @Override
  public Tensor forward(Tensor input) {
    return F.layerNorm(input, normalizedShape, param("weight"), param("bias"), eps);
  }

  @Override
  protected String extraRepr() {
    return PyRepr.tuple(normalizedShape)
        + ", eps="
        + PyRepr.floatRepr(eps)
        + ", elementwise_affine="
        + PyRepr.bool(elementwiseAffine);
  }
}
