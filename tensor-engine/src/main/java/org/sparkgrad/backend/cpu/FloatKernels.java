package org.sparkgrad.backend.cpu;

import org.sparkgrad.backend.BinaryOp;
import org.sparkgrad.backend.HalfFloats;
import org.sparkgrad.backend.UnaryOp;

/**
 * Tight float32 loops for the elementwise maps that dominate training; every other map goes through
 * its double-precision definition.
 */
final class FloatKernels {
  private FloatKernels() {}

  static void unary(UnaryOp op, float[] x, float[] out, int n) {
    switch (op) {
      case NEG -> {
        for (int i = 0; i < n; i++) {
          out[i] = -x[i];
        }
      }
      case RELU -> {
        for (int i = 0; i < n; i++) {
          out[i] = Math.max(x[i], 0f);
        }
      }
      case STEP -> step(x, out, n);
      case EXP -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) Math.exp(x[i]);
        }
      }
      case ABS -> {
        for (int i = 0; i < n; i++) {
          out[i] = Math.abs(x[i]);
        }
      }
      case SQRT -> {
        // Rounding the double square root to float is the correctly rounded float square root.
        for (int i = 0; i < n; i++) {
          out[i] = (float) Math.sqrt(x[i]);
        }
      }
      case ROUND_BF16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = HalfFloats.roundBf16(x[i]);
        }
      }
      case ROUND_F16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = HalfFloats.roundF16(x[i]);
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) op.apply(x[i]);
        }
      }
    }
  }

  /**
   * ReLU's derivative, {@code x > 0 ? 1 : 0}, without a branch on the data ({@link
   * FloatReluGrad#step}).
   */
  private static void step(float[] x, float[] out, int n) {
    for (int i = 0; i < n; i++) {
      out[i] = FloatReluGrad.step(x[i]);
    }
  }

  /** One row: {@code out[oo + i] = op(a[ao + i*sa], b[bo + i*sb])}. */
  static void binaryRow(
      BinaryOp op,
      float[] a,
      int ao,
      int sa,
      float[] b,
      int bo,
      int sb,
      float[] out,
      int oo,
      int n) {
    // HotSpot 17's auto-vectorizer gives up on loops whose arrays are indexed with different
    // offsets (a[ao + i], out[oo + i]) but handles one shared index; whole-tensor ops start every
    // operand at the same offset (usually 0), so they take these loops, 3-8x faster.
    if (sa == 1 && sb == 1 && ao == bo && ao == oo && sharedIndex(op, a, b, out, ao, n)) {
      return;
    }
    if (sa == 1 && sb == 0 && ao == oo && sharedIndexScalar(op, a, b[bo], out, ao, n)) {
      return;
    }
    if (sa == 1 && sb == 1) {
      switch (op) {
        case ADD -> {
          for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] + b[bo + i];
          }
          return;
        }
        case SUB -> {
          for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] - b[bo + i];
          }
          return;
        }
        case MUL -> {
          for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] * b[bo + i];
          }
          return;
        }
        case DIV -> {
          for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] / b[bo + i];
          }
          return;
        }
        default -> {}
      }
    } else if (sa == 1 && sb == 0) {
      float s = b[bo];
      switch (op) {
        case ADD -> {
          for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] + s;
          }
          return;
        }
        case SUB -> {
          for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] - s;
          }
          return;
        }
        case MUL -> {
          for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] * s;
          }
          return;
        }
        case DIV -> {
          for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] / s;
          }
          return;
        }
        default -> {}
      }
    }
    for (int i = 0; i < n; i++) {
      out[oo + i] = (float) op.apply(a[ao + i * sa], b[bo + i * sb]);
    }
  }

  /**
   * {@code out[i] = op(a[i], b[i])} for {@code i} in {@code [off, off + n)}; false if not fused.
   */
  private static boolean sharedIndex(
      BinaryOp op, float[] a, float[] b, float[] out, int off, int n) {
    int end = off + n;
    switch (op) {
      case ADD -> {
        for (int i = off; i < end; i++) {
          out[i] = a[i] + b[i];
        }
      }
      case SUB -> {
        for (int i = off; i < end; i++) {
          out[i] = a[i] - b[i];
        }
      }
      case MUL -> {
        for (int i = off; i < end; i++) {
          out[i] = a[i] * b[i];
        }
      }
      case DIV -> {
        for (int i = off; i < end; i++) {
          out[i] = a[i] / b[i];
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** {@code out[i] = op(a[i], s)} for {@code i} in {@code [off, off + n)}; false if not fused. */
  private static boolean sharedIndexScalar(
      BinaryOp op, float[] a, float s, float[] out, int off, int n) {
    int end = off + n;
    switch (op) {
      case ADD -> {
        for (int i = off; i < end; i++) {
          out[i] = a[i] + s;
        }
      }
      case SUB -> {
        for (int i = off; i < end; i++) {
          out[i] = a[i] - s;
        }
      }
      case MUL -> {
        for (int i = off; i < end; i++) {
          out[i] = a[i] * s;
        }
      }
      case DIV -> {
        for (int i = off; i < end; i++) {
          out[i] = a[i] / s;
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }
}
