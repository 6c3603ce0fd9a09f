package org.sparkgrad.nn.loss;

import java.util.Arrays;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/**
 * The base of the loss criteria, as PyTorch's {@code _Loss}: a loss is configured once and then
 * called as {@code loss.forward(input, target)}, returning a 0-d tensor (or, with {@link
 * Reduction#NONE}, the unreduced losses) on which {@code backward()} is called.
 */
public abstract class Loss {
  private final Reduction reduction;

  /** A loss with the given reduction. */
  protected Loss(Reduction reduction) {
    if (reduction == null) {
      throw new IllegalArgumentException("reduction must not be null");
    }
    this.reduction = reduction;
  }

  /** The loss of {@code input} against {@code target}. */
  public abstract Tensor forward(Tensor input, Tensor target);

  /** How the per-element losses are combined. */
  public Reduction reduction() {
    return reduction;
  }

  /** As PyTorch prints a loss module: {@code MSELoss()}. */
  @Override
  public String toString() {
    return getClass().getSimpleName() + "()";
  }

  /** Applies {@code reduction} to elementwise losses. */
  static Tensor reduce(Tensor losses, Reduction reduction) {
    return switch (reduction) {
      case NONE -> losses;
      case MEAN -> losses.mean();
      case SUM -> losses.sum();
    };
  }

  /** Checks that an elementwise loss's target matches the input in shape and dtype. */
  static void checkSameShape(String loss, Tensor input, Tensor target) {
    if (!input.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          loss + ": input must be floating-point, got " + input.dtype());
    }
    if (!Arrays.equals(input.shape(), target.shape())) {
      throw new IllegalArgumentException(
          loss
              + ": target shape "
              + Arrays.toString(target.shape())
              + " does not match input shape "
              + Arrays.toString(input.shape()));
    }
    if (target.dtype() != input.dtype()) {
      throw new IllegalArgumentException(
          loss
              + ": target dtype "
              + target.dtype()
              + " does not match input dtype "
              + input.dtype()
              + " (input shape "
              + Arrays.toString(input.shape())
              + ", target shape "
              + Arrays.toString(target.shape())
              + ")");
    }
  }

  /** {@code t} converted to {@code like}'s dtype and device, or null. */
  static Tensor like(Tensor t, Tensor like) {
    return t == null ? null : t.to(like.dtype()).to(like.device());
  }

  static DType checkFloating(String loss, String what, Tensor t) {
    if (t != null && !t.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          loss + ": " + what + " must be floating-point, got " + t.dtype());
    }
    return t == null ? null : t.dtype();
  }
}
