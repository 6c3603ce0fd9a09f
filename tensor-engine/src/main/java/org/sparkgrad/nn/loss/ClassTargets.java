package org.sparkgrad.nn.loss;

import java.util.Arrays;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/**
 * Validated int64 class targets for {@code [N, C]} scores: which rows count (those whose target is
 * not {@code ignoreIndex}) and safe indices to gather with (ignored rows point at class 0).
 *
 * <p>Targets on the CPU are checked here, and an out-of-range target is reported with its row.
 * Targets on a GPU are not copied to the host for that (the copy would make every training step
 * wait for the GPU): the gather of the scores checks them on the device, and an out-of-range target
 * surfaces as an {@link IndexOutOfBoundsException} naming the index and the number of classes at
 * the next synchronisation, such as {@code loss.item()}, as PyTorch reports it on CUDA.
 */
final class ClassTargets {
  /** The largest magnitude up to which every long is a double, as a device fill needs. */
  private static final long EXACT_IN_DOUBLE = 1L << 53;

  /** {@code [N, 1]} int64 indices, 0 in ignored rows. */
  final Tensor safe;

  /** {@code [N]} 1 for rows that count, 0 for ignored rows, in the input's dtype. */
  final Tensor keep;

  private ClassTargets(Tensor safe, Tensor keep) {
    this.safe = safe;
    this.keep = keep;
  }

  static void checkScores(String loss, Tensor input) {
    if (input.dim() != 2) {
      throw new IllegalArgumentException(
          loss + ": expected input of shape [N, C], got shape " + Arrays.toString(input.shape()));
    }
    if (!input.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          loss + ": input must be floating-point, got " + input.dtype());
    }
  }

  static ClassTargets of(String loss, Tensor input, Tensor target, long ignoreIndex) {
    int n = input.size(0);
    int c = input.size(1);
    if (target.dtype() != DType.INT64) {
      throw new IllegalArgumentException(
          loss
              + ": class targets must be int64, got "
              + target.dtype()
              + " of shape "
              + Arrays.toString(target.shape())
              + " for input of shape "
              + Arrays.toString(input.shape())
              + " (probability targets must have the input's shape)");
    }
    if (!Arrays.equals(target.shape(), new int[] {n})) {
      throw new IllegalArgumentException(
          loss
              + ": expected target of shape ["
              + n
              + "] for input of shape "
              + Arrays.toString(input.shape())
              + ", got target of shape "
              + Arrays.toString(target.shape()));
    }
    if (target.device().isCuda() && Math.abs(ignoreIndex) <= EXACT_IN_DOUBLE) {
      Tensor counted = target.ne((double) ignoreIndex);
      return new ClassTargets(target.mul(counted).reshape(n, 1), counted.to(input.dtype()));
    }
    long[] t = target.toLongArray();
    long[] safe = new long[n];
    double[] keep = new double[n];
    for (int i = 0; i < n; i++) {
      if (t[i] == ignoreIndex) {
        continue;
      }
      if (t[i] < 0 || t[i] >= c) {
        throw new IllegalArgumentException(
            loss
                + ": target "
                + t[i]
                + " in row "
                + i
                + " is out of range for "
                + c
                + " classes (expected 0.."
                + (c - 1)
                + " or ignoreIndex "
                + ignoreIndex
                + ")");
      }
      safe[i] = t[i];
      keep[i] = 1;
    }
    return new ClassTargets(
        Tensor.ofLongs(safe, n, 1).to(input.device()),
        Tensor.of(keep).to(input.dtype()).to(input.device()));
  }

  /**
   * {@code w[y_i]} for rows that count and 0 for ignored rows, {@code [N]}; 1/0 without weights.
   */
  Tensor rowWeights(Tensor weight) {
    return weight == null ? keep : weight.indexSelect(0, safe.reshape(-1)).mul(keep);
  }

  static Tensor checkWeight(String loss, Tensor weight, Tensor input) {
    if (weight == null) {
      return null;
    }
    int c = input.size(1);
    if (!Arrays.equals(weight.shape(), new int[] {c})) {
      throw new IllegalArgumentException(
          loss
              + ": class weight must have shape ["
              + c
              + "] for input of shape "
              + Arrays.toString(input.shape())
              + ", got "
              + Arrays.toString(weight.shape()));
    }
    return Loss.like(weight, input);
  }
}
