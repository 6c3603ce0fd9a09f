package org.sparkgrad.tensor;

import java.util.Locale;

/** Prints tensors the way PyTorch does, summarising large ones with "...". */
final class TensorFormat {
  private static final int SUMMARIZE_ABOVE = 1000;
  private static final int EDGE = 3;

  private TensorFormat() {}

  static String format(Tensor t) {
    double[] v = t.toDoubleArray();
    int[] shape = t.shape();
    boolean summarize = v.length > SUMMARIZE_ABOVE;
    String fmt = chooseFormat(t.dtype(), v);
    StringBuilder sb = new StringBuilder("tensor(");
    if (shape.length == 0) {
      sb.append(num(fmt, v[0]));
    } else {
      append(sb, v, shape, 0, 0, fmt, summarize, "tensor(".length());
    }
    if (t.dtype() != DType.FLOAT32 && t.dtype() != DType.INT64) {
      sb.append(", dtype=torch.").append(t.dtype());
    }
    if (t.device().isCuda()) {
      sb.append(", device='").append(t.device()).append('\'');
    }
    if (t.gradFn() != null) {
      sb.append(", grad_fn=").append(t.gradFn());
    } else if (t.requiresGrad()) {
      sb.append(", requires_grad=True");
    }
    return sb.append(')').toString();
  }

  private static String chooseFormat(DType dtype, double[] v) {
    if (dtype == DType.INT64) {
      return "int";
    }
    boolean integral = true;
    double maxAbs = 0;
    double minAbs = Double.POSITIVE_INFINITY;
    for (double x : v) {
      if (!Double.isFinite(x)) {
        continue;
      }
      integral &= x == Math.rint(x);
      double a = Math.abs(x);
      maxAbs = Math.max(maxAbs, a);
      if (a > 0) {
        minAbs = Math.min(minAbs, a);
      }
    }
    if (maxAbs >= 1e8 || (minAbs < 1e-4 && !integral)) {
      return "%.4e";
    }
    return integral ? "int." : "%.4f";
  }

  private static String num(String fmt, double x) {
    if (Double.isNaN(x)) {
      return "nan";
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? "inf" : "-inf";
    }
    return switch (fmt) {
      case "int" -> Long.toString((long) x);
      case "int." -> ((long) x) + ".";
      default -> String.format(Locale.ROOT, fmt, x);
    };
  }

  private static void append(
      StringBuilder sb,
      double[] v,
      int[] shape,
      int dim,
      int offset,
      String fmt,
      boolean summarize,
      int indent) {
    int n = shape[dim];
    int stride = Shapes.prod(shape, dim + 1, shape.length);
    sb.append('[');
    boolean last = dim == shape.length - 1;
    for (int i = 0; i < n; i++) {
      if (summarize && n > 2 * EDGE && i == EDGE) {
        sb.append(last ? "..., " : "...,\n" + " ".repeat(indent + dim + 1));
        i = n - EDGE - 1;
        continue;
      }
      if (last) {
        sb.append(num(fmt, v[offset + i]));
      } else {
        append(sb, v, shape, dim + 1, offset + i * stride, fmt, summarize, indent);
      }
      if (i < n - 1) {
        sb.append(
            last
                ? ", "
                : ",\n"
                    + "\n".repeat(Math.max(0, shape.length - dim - 2))
                    + " ".repeat(indent + dim + 1));
      }
    }
    sb.append(']');
  }
}
