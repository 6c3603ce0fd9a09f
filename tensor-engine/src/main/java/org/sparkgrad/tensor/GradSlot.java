package org.sparkgrad.tensor;

/**
 * Where a tensor keeps its accumulated gradient, with the lazy zeroing of {@code
 * zeroGrad(setToNone=false)}: the kept buffer is marked as reading zeros and is written only when
 * read through {@link #read()} or overwritten whole by the next backward (a GEMM with {@code beta =
 * 0}, a copy), so a step that overwrites it pays no separate fill. A tensor creates its slot when
 * it first receives a gradient.
 */
final class GradSlot {
  private Tensor grad;
  private boolean zeroed;

  /** The gradient, its pending zeros written first; null if there is none. */
  Tensor read() {
    if (zeroed) {
      zeroed = false;
      try (NoGrad ignored = NoGrad.enter()) {
        grad.fillInPlace(0);
      }
    }
    return grad;
  }

  /** The buffer as kept, stale contents included (see {@link #takeZeroed()}). */
  Tensor kept() {
    return grad;
  }

  /** True once after a lazy reset: the caller will overwrite the whole kept buffer. */
  boolean takeZeroed() {
    boolean z = zeroed;
    zeroed = false;
    return z;
  }

  /** Replaces the gradient (null clears it). */
  void set(Tensor g) {
    grad = g;
    zeroed = false;
  }

  /** Drops the gradient ({@code setToNone}) or marks the kept buffer as reading zeros. */
  void reset(boolean setToNone) {
    if (setToNone) {
      set(null);
    } else if (grad != null) {
      zeroed = true;
    }
  }

  /**
   * Adds {@code g} into the gradient, in place when a buffer is kept. An {@code exclusive} {@code
   * g} (one that nothing else holds) is adopted as is; otherwise it is copied, because gradients
   * are updated in place (accumulation, clipping, optimizers).
   */
  void accumulate(Tensor g, boolean exclusive) {
    if (grad == null) {
      grad = exclusive ? g.detach() : g.detach().copy();
    } else if (takeZeroed()) {
      grad.copyFrom(g);
    } else {
      grad.addInPlace(g);
    }
  }
}
