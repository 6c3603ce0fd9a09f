package org.sparkgrad.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints tensors as PyTorch's {@code repr} does with its default print options: at most 80
 * characters a line, tensors of more than 1000 elements summarised to their first and last 3
 * entries along each dimension with {@code ...}, then the suffixes ({@code device}, {@code dtype}
 * unless float32 or int64, {@code grad_fn} or {@code requires_grad=True}). A port of {@code
 * torch/_tensor_str.py}; element formatting is {@link ElementFormatter}.
 */
final class TensorFormat {
  private static final String PREFIX = "tensor(";
  private static final int THRESHOLD = 1000;
  private static final int EDGE_ITEMS = 3;
  private static final int LINE_WIDTH = 80;

  private final int[] shape;
  private final double[] doubles;
  private final long[] longs;
  private final boolean summarize;
  private final ElementFormatter formatter;

  private TensorFormat(Tensor t) {
    this.shape = t.shape();
    boolean floating = t.dtype().isFloatingPoint();
    this.doubles = floating ? t.toDoubleArray() : null;
    this.longs = floating ? null : t.toLongArray();
    this.summarize = t.numel() > THRESHOLD;
    List<Integer> shown = new ArrayList<>();
    collectShown(0, 0, shown);
    if (floating) {
      double[] v = new double[shown.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = doubles[shown.get(i)];
      }
      this.formatter = ElementFormatter.ofFloats(v);
    } else {
      long[] v = new long[shown.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = longs[shown.get(i)];
      }
      this.formatter = ElementFormatter.ofLongs(v);
    }
  }

  static String format(Tensor t) {
    List<String> suffixes = new ArrayList<>();
    if (t.device().isCuda()) {
      suffixes.add("device='" + t.device() + "'");
    }
    String body;
    if (t.numel() == 0) {
      // As NumPy: the shape unless it is (0,), and the dtype, which no element shows.
      if (t.dim() != 1) {
        suffixes.add("size=" + tuple(t.shape()));
      }
      if (t.dtype() != DType.FLOAT32) {
        suffixes.add("dtype=torch." + t.dtype());
      }
      body = "[]";
    } else {
      if (t.dtype() != DType.FLOAT32 && t.dtype() != DType.INT64) {
        suffixes.add("dtype=torch." + t.dtype());
      }
      body = new TensorFormat(t).str(0, 0, PREFIX.length());
    }
    if (t.gradFn() != null) {
      suffixes.add("grad_fn=" + t.gradFn());
    } else if (t.requiresGrad()) {
      suffixes.add("requires_grad=True");
    }
    return addSuffixes(PREFIX + body, suffixes, PREFIX.length());
  }

  /** The flat indices of the elements that are printed (all, unless summarising). */
  private void collectShown(int dim, int offset, List<Integer> out) {
    if (dim == shape.length) {
      out.add(offset);
      return;
    }
    int n = shape[dim];
    int stride = Shapes.prod(shape, dim + 1, shape.length);
    for (int i = 0; i < n; i++) {
      if (skipped(i, n)) {
        i = n - EDGE_ITEMS - 1;
        continue;
      }
      collectShown(dim + 1, offset + i * stride, out);
    }
  }

  /** True at the first index hidden by summarisation. */
  private boolean skipped(int i, int n) {
    return summarize && n > 2 * EDGE_ITEMS && i == EDGE_ITEMS;
  }

  private String element(int flat) {
    return doubles != null ? formatter.format(doubles[flat]) : formatter.format(longs[flat]);
  }

  /** The sub-tensor at {@code offset} from dimension {@code dim} on, as {@code _tensor_str}. */
  private String str(int dim, int offset, int indent) {
    if (shape.length == 0) {
      return element(0);
    }
    int n = shape[dim];
    int stride = Shapes.prod(shape, dim + 1, shape.length);
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (skipped(i, n)) {
        parts.add(dim == shape.length - 1 ? " ..." : "...");
        i = n - EDGE_ITEMS - 1;
        continue;
      }
      parts.add(
          dim == shape.length - 1
              ? element(offset + i)
              : str(dim + 1, offset + i * stride, indent + 1));
    }
    if (dim < shape.length - 1) {
      int sub = shape.length - dim;
      return "[" + String.join("," + "\n".repeat(sub - 1) + " ".repeat(indent + 1), parts) + "]";
    }
    // A vector: as many elements a line as fit in the line width.
    int perLine = Math.max(1, Math.floorDiv(LINE_WIDTH - indent, formatter.width() + 2));
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < parts.size(); i += perLine) {
      lines.add(String.join(", ", parts.subList(i, Math.min(parts.size(), i + perLine))));
    }
    return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
  }

  private static String addSuffixes(String s, List<String> suffixes, int indent) {
    StringBuilder sb = new StringBuilder(s);
    // PyTorch's count: the characters after the last newline, plus 2 (or the length plus 2).
    int lastLineLength = s.length() - s.lastIndexOf('\n') + 1;
    for (String suffix : suffixes) {
      if (lastLineLength + suffix.length() + 2 > LINE_WIDTH) {
        sb.append(",\n").append(" ".repeat(indent)).append(suffix);
        lastLineLength = indent + suffix.length();
      } else {
        sb.append(", ").append(suffix);
        lastLineLength += suffix.length() + 2;
      }
    }
    return sb.append(')').toString();
  }

  /** A shape as Python prints a tuple: {@code (2, 0)}, {@code (0,)}. */
  private static String tuple(int[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i > 0 ? ", " : "").append(shape[i]);
    }
    return sb.append(shape.length == 1 ? ",)" : ")").toString();
  }
}
