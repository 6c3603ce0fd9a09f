package org.sparkgrad.backend.cpu;

import org.sparkgrad.backend.UnaryOp;
import org.sparkgrad.tensor.DType;

/**
 * The fused primitives on the CPU: a bias added and an activation applied in one pass over a
 * layer's output, and softmax with cross-entropy in one pass over the logits (issue 20). Float32
 * arrays take tight loops; float64 goes through the storage's generic accessors.
 */
final class FusedKernels {
  private FusedKernels() {}

  /** {@code out[r, c] = act(x[r, c] + bias[c])} over {@code [rows, cols]}; {@code out} may be x. */
  static void biasActivation(
      UnaryOp act, CpuStorage x, CpuStorage bias, int rows, int cols, CpuStorage out) {
    if (x.dtype() == DType.FLOAT32) {
      float[] xs = x.floats();
      float[] b = bias.floats();
      float[] o = out.floats();
      for (int r = 0; r < rows; r++) {
        int base = r * cols;
        switch (act) {
          case RELU -> {
            for (int c = 0; c < cols; c++) {
              o[base + c] = Math.max(xs[base + c] + b[c], 0f);
            }
          }
          case TANH -> {
            for (int c = 0; c < cols; c++) {
              o[base + c] = (float) Math.tanh(xs[base + c] + b[c]);
            }
          }
          default -> {
            for (int c = 0; c < cols; c++) {
              o[base + c] = (float) act.apply(xs[base + c] + b[c]);
            }
          }
        }
      }
      return;
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c;
        out.set(i, act.apply(x.get(i) + bias.get(c)));
      }
    }
  }

  /**
   * Per row of {@code logits[rows, classes]}: {@code probs[r, :] = softmax(logits[r, :])} and
   * {@code losses[r] = log(sum_c exp(logits[r, c] - m)) - (logits[r, t_r] - m)} with {@code m} the
   * row's max, in double (as the CPU's softmax sums), for INT64 targets {@code t} in {@code [0,
   * classes)}; rows whose target is {@code ignoreIndex} get loss 0.
   */
  @SuppressWarnings("TooManyParameters") // Backend.crossEntropy's signature
  static void crossEntropy(
      CpuStorage logits,
      CpuStorage targets,
      long ignoreIndex,
      int rows,
      int classes,
      CpuStorage losses,
      CpuStorage probs) {
    long[] t = targets.longs();
    for (int r = 0; r < rows; r++) {
      int base = r * classes;
      if (t[r] == ignoreIndex) {
        losses.set(r, 0);
        continue;
      }
      int target = checkedTarget(t[r], r, classes);
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, logits.get(base + c));
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(logits.get(base + c) - max);
      }
      // exp again rather than a stored float32 exp: one rounding per probability, as softmax's.
      double inv = 1 / sum;
      for (int c = 0; c < classes; c++) {
        probs.set(base + c, Math.exp(logits.get(base + c) - max) * inv);
      }
      losses.set(r, Math.log(sum) - (logits.get(base + target) - max));
    }
  }

  /**
   * {@code out[r, c] = (probs[r, c] - (c == t_r ? 1 : 0)) * g[r]}: the logits' gradient, 0 in
   * ignored rows.
   */
  @SuppressWarnings("TooManyParameters") // Backend.crossEntropyBackward's signature
  static void crossEntropyBackward(
      CpuStorage probs,
      CpuStorage targets,
      long ignoreIndex,
      CpuStorage g,
      int rows,
      int classes,
      CpuStorage out) {
    long[] t = targets.longs();
    for (int r = 0; r < rows; r++) {
      int base = r * classes;
      if (t[r] == ignoreIndex) {
        for (int c = 0; c < classes; c++) {
          out.set(base + c, 0);
        }
        continue;
      }
      int target = checkedTarget(t[r], r, classes);
      double gr = g.get(r);
      for (int c = 0; c < classes; c++) {
        double p = probs.get(base + c) - (c == target ? 1 : 0);
        out.set(base + c, p * gr);
      }
    }
  }

  private static int checkedTarget(long t, int row, int classes) {
    if (t < 0 || t >= classes) {
      throw new IndexOutOfBoundsException(
          "crossEntropy target in row "
              + row
              + ": index "
              + t
              + " is out of bounds for dimension with size "
              + classes);
    }
    return (int) t;
  }
}
