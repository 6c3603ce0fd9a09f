package org.sparkgrad.backend.cpu;

import org.sparkgrad.backend.ReduceOp;
import org.sparkgrad.tensor.DType;

/** Reductions and softmax along the middle axis of {@code [outer, n, inner]}. */
final class Reductions {
  private Reductions() {}

  static void reduce(ReduceOp op, CpuStorage x, int outer, int n, int inner, CpuStorage out) {
    if (op == ReduceOp.SUM && x.dtype() == DType.FLOAT32) {
      sumFloat(x.floats(), outer, n, inner, out.floats());
      return;
    }
    if (n == 0 && op != ReduceOp.SUM) {
      throw new IllegalArgumentException(op + " of an empty axis is undefined");
    }
    if (x.dtype() == DType.FLOAT32) {
      switch (op) {
        case MAX -> FloatExtrema.max(x.floats(), outer, n, inner, out.floats(), null, false);
        case MIN -> FloatExtrema.max(x.floats(), outer, n, inner, out.floats(), null, true);
        case ARGMAX -> FloatExtrema.max(x.floats(), outer, n, inner, null, out.longs(), false);
        default -> throw new IllegalStateException("unhandled reduction " + op);
      }
      return;
    }
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * n * inner + i;
        double acc = op == ReduceOp.SUM ? 0 : x.get(base);
        int arg = 0;
        for (int j = 0; j < n; j++) {
          double v = x.get(base + j * inner);
          switch (op) {
            case SUM -> acc += v;
            case MAX, ARGMAX -> {
              // NaN wins, as in PyTorch; otherwise the first maximum is kept.
              if (!Double.isNaN(acc) && (v > acc || Double.isNaN(v))) {
                acc = v;
                arg = j;
              }
            }
            case MIN -> {
              if (!Double.isNaN(acc) && (v < acc || Double.isNaN(v))) {
                acc = v;
              }
            }
          }
        }
        out.set(o * inner + i, op == ReduceOp.ARGMAX ? arg : acc);
      }
    }
  }

  /** Float sums accumulate in double: exact enough that summation order stops mattering. */
  private static void sumFloat(float[] x, int outer, int n, int inner, float[] out) {
    if (inner == 1) {
      FloatRows rows = FloatRows.get();
      for (int o = 0; o < outer; o++) {
        out[o] = (float) rows.sum(x, o * n, n);
      }
      return;
    }
    double[] acc = new double[inner];
    for (int o = 0; o < outer; o++) {
      java.util.Arrays.fill(acc, 0);
      int base = o * n * inner;
      for (int j = 0; j < n; j++) {
        int row = base + j * inner;
        for (int i = 0; i < inner; i++) {
          acc[i] += x[row + i];
        }
      }
      for (int i = 0; i < inner; i++) {
        out[o * inner + i] = (float) acc[i];
      }
    }
  }

  static void softmax(CpuStorage x, int outer, int n, int inner, boolean log, CpuStorage out) {
    if (x.dtype() == DType.FLOAT32 && inner == 1) {
      softmaxRowsFloat(x.floats(), outer, n, log, out.floats());
      return;
    }
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * n * inner + i;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          max = Math.max(max, x.get(base + j * inner));
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
          sum += Math.exp(x.get(base + j * inner) - max);
        }
        double logSum = Math.log(sum);
        for (int j = 0; j < n; j++) {
          double z = x.get(base + j * inner) - max;
          out.set(base + j * inner, log ? z - logSum : Math.exp(z) / sum);
        }
      }
    }
  }

  private static void softmaxRowsFloat(float[] x, int rows, int n, boolean log, float[] out) {
    for (int r = 0; r < rows; r++) {
      int base = r * n;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        max = Math.max(max, x[base + j]);
      }
      double sum = 0;
      for (int j = 0; j < n; j++) {
        sum += Math.exp(x[base + j] - max);
      }
      if (log) {
        float logSum = (float) Math.log(sum);
        for (int j = 0; j < n; j++) {
          out[base + j] = x[base + j] - max - logSum;
        }
      } else {
        double inv = 1 / sum;
        for (int j = 0; j < n; j++) {
          out[base + j] = (float) (Math.exp(x[base + j] - max) * inv);
        }
      }
    }
  }
}
