package org.sparkgrad.backend.cpu;

import org.sparkgrad.backend.BinaryOp;
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
      case STEP -> {
        for (int i = 0; i < n; i++) {
          out[i] = x[i] > 0f ? 1f : 0f;
        }
      }
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
      default -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) op.apply(x[i]);
        }
      }
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
}
