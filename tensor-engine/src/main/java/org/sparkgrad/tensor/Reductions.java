package org.sparkgrad.tensor;

import org.sparkgrad.backend.ReduceOp;

/**
 * Reductions along one axis or over all elements, and softmax. A reduction views its input as
 * {@code [outer, n, inner]} around the reduced axis.
 */
final class Reductions {
  private Reductions() {}

  /** The axis geometry of one reduction. */
  private static final class Axis {
    private final int outer;
    private final int n;
    private final int inner;
    private final int[] keptShape;
    private final int[] outShape;

    Axis(int outer, int n, int inner, int[] keptShape, int[] outShape) {
      this.outer = outer;
      this.n = n;
      this.inner = inner;
      this.keptShape = keptShape;
      this.outShape = outShape;
    }

    int outer() {
      return outer;
    }

    int n() {
      return n;
    }

    int inner() {
      return inner;
    }

    /** The input's shape with the reduced axis (or every axis) set to 1. */
    int[] keptShape() {
      return keptShape.clone();
    }

    int[] outShape() {
      return outShape.clone();
    }

    static Axis of(Tensor x, int dim, boolean keepDim, boolean all) {
      int[] s = x.rawShape();
      if (all) {
        int[] kept = new int[s.length];
        java.util.Arrays.fill(kept, 1);
        return new Axis(1, x.numel(), 1, kept, keepDim ? kept : new int[0]);
      }
      int d = Shapes.axis(dim, s.length);
      if (s.length == 0) {
        return new Axis(1, 1, 1, new int[0], new int[0]);
      }
      int[] kept = s.clone();
      kept[d] = 1;
      int[] out = new int[s.length - 1];
      for (int i = 0, j = 0; i < s.length; i++) {
        if (i != d) {
          out[j++] = s[i];
        }
      }
      return new Axis(
          Shapes.prod(s, 0, d), s[d], Shapes.prod(s, d + 1, s.length), kept, keepDim ? kept : out);
    }
  }

  private static Tensor reduceRaw(ReduceOp op, Tensor x, Axis ax) {
    DType dtype = op == ReduceOp.ARGMAX ? DType.INT64 : x.dtype();
    Tensor out = Tensor.allocateForOverwrite(x, dtype, ax.outShape());
    x.backend().reduce(op, x.storage(), ax.outer(), ax.n(), ax.inner(), out.storage());
    return out;
  }

  static Tensor sum(Tensor x, int dim, boolean keepDim, boolean all) {
    Axis ax = Axis.of(x, dim, keepDim, all);
    Tensor out = reduceRaw(ReduceOp.SUM, x, ax);
    int[] shape = x.shape();
    return Autograd.record(
        out, "SumBackward", g -> new Tensor[] {g.reshape(ax.keptShape()).expand(shape)}, x);
  }

  static Tensor mean(Tensor x, int dim, boolean keepDim, boolean all) {
    Checks.floating("mean", x);
    Axis ax = Axis.of(x, dim, keepDim, all);
    Tensor out = reduceRaw(ReduceOp.SUM, x, ax);
    double n = ax.n();
    try (NoGrad ignored = NoGrad.enter()) {
      out = out.div(n);
    }
    int[] shape = x.shape();
    return Autograd.record(
        out, "MeanBackward", g -> new Tensor[] {g.div(n).reshape(ax.keptShape()).expand(shape)}, x);
  }

  /** The maximum; its gradient goes to the first position holding it. */
  static Tensor max(Tensor x, int dim, boolean keepDim, boolean all) {
    Axis ax = Axis.of(x, dim, keepDim, all);
    Tensor out = reduceRaw(ReduceOp.MAX, x, ax);
    return Autograd.record(
        out,
        "MaxBackward",
        g -> {
          Tensor arg = reduceRaw(ReduceOp.ARGMAX, x, ax);
          Tensor gx = x.zerosLike();
          x.backend()
              .scatterAdd(
                  g.storage(), ax.outer(), ax.n(), ax.inner(), arg.storage(), 1, gx.storage());
          return new Tensor[] {gx};
        },
        x);
  }

  static Tensor argmax(Tensor x, int dim, boolean keepDim, boolean all) {
    return reduceRaw(ReduceOp.ARGMAX, x, Axis.of(x, dim, keepDim, all));
  }

  /**
   * Softmax or log-softmax along {@code dim}. Backward: {@code y (g - sum(g y))} for softmax, and
   * {@code g - exp(y) sum(g)} for log-softmax.
   */
  static Tensor softmax(Tensor x, int dim, boolean log) {
    Checks.floating(log ? "logSoftmax" : "softmax", x);
    Axis ax = Axis.of(x, dim, true, false);
    Tensor out = Tensor.allocateForOverwrite(x, x.dtype(), x.rawShape());
    x.backend().softmax(x.storage(), ax.outer(), ax.n(), ax.inner(), log, out.storage());
    int d = x.dim() == 0 ? 0 : Shapes.axis(dim, x.dim());
    if (log) {
      return Autograd.record(
          out, "LogSoftmaxBackward", g -> new Tensor[] {g.sub(out.exp().mul(sumKeep(g, d)))}, x);
    }
    return Autograd.record(
        out, "SoftmaxBackward", g -> new Tensor[] {out.mul(g.sub(sumKeep(g.mul(out), d)))}, x);
  }

  private static Tensor sumKeep(Tensor t, int d) {
    return t.dim() == 0 ? t : t.sum(d, true);
  }

  /** Sums {@code g} over the axes that broadcasting expanded to reach its shape from target's. */
  static Tensor sumTo(Tensor g, int[] target) {
    int[] s = g.rawShape();
    if (java.util.Arrays.equals(s, target)) {
      return g;
    }
    int lead = s.length - target.length;
    if (lead < 0) {
      throw new IllegalArgumentException(
          "cannot sum shape " + Shapes.str(s) + " down to " + Shapes.str(target));
    }
    Tensor r = g;
    for (int i = 0; i < s.length; i++) {
      boolean expanded = i < lead || (target[i - lead] == 1 && s[i] != 1);
      if (expanded) {
        r = r.sum(i, true);
      } else if (target[i - lead] != s[i]) {
        throw new IllegalArgumentException(
            "cannot sum shape " + Shapes.str(s) + " down to " + Shapes.str(target));
      }
    }
    return r.reshape(target);
  }
}
