package org.sparkgrad.optim;

import java.util.ArrayList;
import java.util.List;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * Gradient clipping, as PyTorch's {@code torch.nn.utils.clip_grad_norm_} and {@code
 * clip_grad_value_}. Both change the gradients in place and skip parameters whose gradient is null.
 */
public final class ClipGrad {
  private ClipGrad() {}

  /** As {@link #clipGradNorm(List, double, double)} with the 2-norm. */
  public static double clipGradNorm(List<Tensor> params, double maxNorm) {
    return clipGradNorm(params, maxNorm, 2.0, false);
  }

  /** As {@link #clipGradNorm(List, double, double, boolean)}, allowing a non-finite norm. */
  public static double clipGradNorm(List<Tensor> params, double maxNorm, double normType) {
    return clipGradNorm(params, maxNorm, normType, false);
  }

  /**
   * Scales the gradients so that their total norm is at most {@code maxNorm}, and returns the total
   * norm before clipping. The total norm is that of all gradients concatenated into one vector:
   *
   * <pre>
   * total = (Σ_params ‖g‖_p^p)^(1/p)        (p = normType; for p = ∞, the largest |g|)
   * coef  = maxNorm / (total + 1e-6)
   * if coef &lt; 1:  g ← coef · g   for every gradient
   * </pre>
   *
   * <p>With no gradients the total norm is 0. A non-finite total norm (a NaN or infinite gradient)
   * makes every gradient non-finite, unless {@code errorIfNonfinite} rejects it first.
   *
   * @param normType a p &gt; 0, or {@link Double#POSITIVE_INFINITY} for the max-norm
   * @throws IllegalArgumentException for a negative {@code maxNorm} or an invalid {@code normType}
   * @throws IllegalStateException if {@code errorIfNonfinite} and the total norm is NaN or infinite
   */
  public static double clipGradNorm(
      List<Tensor> params, double maxNorm, double normType, boolean errorIfNonfinite) {
    if (!(maxNorm >= 0)) {
      throw new IllegalArgumentException("maxNorm must be >= 0, got " + maxNorm);
    }
    if (!(normType > 0)) {
      throw new IllegalArgumentException("normType must be > 0 or infinity, got " + normType);
    }
    List<Tensor> grads = grads(params);
    if (grads.isEmpty()) {
      return 0.0;
    }
    double total;
    try (NoGrad ignored = NoGrad.enter()) {
      total = totalNorm(grads, normType);
      if (errorIfNonfinite && !Double.isFinite(total)) {
        throw new IllegalStateException(
            "the total norm of order "
                + normType
                + " for gradients is "
                + total
                + ", so they cannot be clipped; pass errorIfNonfinite = false to clip anyway");
      }
      double coef = maxNorm / (total + 1e-6);
      // PyTorch multiplies by min(coef, 1); only coef < 1 changes anything (or a NaN total).
      if (!(coef >= 1)) {
        for (Tensor g : grads) {
          g.mulInPlace(coef);
        }
      }
    }
    return total;
  }

  /**
   * Clamps every gradient element to {@code [-clipValue, clipValue]}.
   *
   * @throws IllegalArgumentException for a negative or NaN {@code clipValue}
   */
  public static void clipGradValue(List<Tensor> params, double clipValue) {
    if (!(clipValue >= 0)) {
      throw new IllegalArgumentException("clipValue must be >= 0, got " + clipValue);
    }
    try (NoGrad ignored = NoGrad.enter()) {
      for (Tensor g : grads(params)) {
        g.copyFrom(g.clamp(-clipValue, clipValue));
      }
    }
  }

  private static List<Tensor> grads(List<Tensor> params) {
    List<Tensor> grads = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      Tensor p = params.get(i);
      if (p == null) {
        throw new IllegalArgumentException("parameter " + i + " is null");
      }
      if (p.grad() != null) {
        grads.add(p.grad());
      }
    }
    return grads;
  }

  private static double totalNorm(List<Tensor> grads, double p) {
    double acc = 0;
    for (Tensor g : grads) {
      if (g.numel() == 0) {
        continue;
      }
      if (p == Double.POSITIVE_INFINITY) {
        acc = Math.max(acc, g.abs().max().item());
      } else if (p == 2) {
        acc += g.mul(g).sum().item();
      } else if (p == 1) {
        acc += g.abs().sum().item();
      } else {
        acc += g.abs().pow(p).sum().item();
      }
    }
    if (p == Double.POSITIVE_INFINITY || p == 1) {
      return acc;
    }
    return p == 2 ? Math.sqrt(acc) : Math.pow(acc, 1 / p);
  }
}
