package org.sparkgrad.backend.cuda;

import org.sparkgrad.backend.ReduceOp;
import org.sparkgrad.tensor.DType;

/**
 * Reductions and softmax along the middle axis of {@code [outer, n, inner]} ({@code reduce.cu}).
 * With {@code inner == 1} each row gets a block of 256 threads; otherwise each block takes 32
 * adjacent inner positions, so that its loads coalesce, and splits {@code n} over 16 thread rows.
 */
final class CudaReductions {
  private static final int ROW_THREADS = 256;
  private static final int COLS_X = 32;
  private static final int COLS_Y = 16;

  private final CudaBackend backend;

  CudaReductions(CudaBackend backend) {
    this.backend = backend;
  }

  void reduce(ReduceOp op, CudaStorage x, int outer, int n, int inner, CudaStorage out) {
    requireShape("reduce " + op, x, outer, n, inner);
    DType outType = op == ReduceOp.ARGMAX ? DType.INT64 : x.dtype();
    if (out.dtype() != outType) {
      throw new IllegalArgumentException(
          "reduce " + op + ": output must be " + outType + ", got " + out.dtype());
    }
    long outputs = (long) outer * inner;
    CudaBackend.requireCovers("reduce " + op + " output", out, outputs);
    if (outputs == 0) {
      return;
    }
    if (n == 0) {
      if (op != ReduceOp.SUM) {
        throw new IllegalArgumentException(op + " of an empty axis is undefined");
      }
      // The sum of nothing is 0, written to the outputs only.
      Launch z =
          Launch.of(backend.cudaDevice().enter(), "fill_" + CudaBackend.suffix(out.dtype()))
              .out(out)
              .i32((int) outputs);
      if (out.dtype() == DType.FLOAT32) {
        z.f32(0f);
      } else if (out.dtype() == DType.FLOAT64) {
        z.f64(0.0);
      } else {
        z.i64(0L);
      }
      z.over(outputs);
      return;
    }
    StreamContext s = backend.cudaDevice().enter();
    String t = CudaBackend.suffix(x.dtype());
    boolean rows = inner == 1;
    Launch l;
    if (op == ReduceOp.SUM) {
      l = Launch.of(s, (rows ? "sum_rows_" : "sum_cols_") + t).in(x).out(out);
    } else {
      l =
          Launch.of(s, (rows ? "extreme_rows_" : "extreme_cols_") + t)
              .i32(CudaOps.extremeMode(op))
              .in(x)
              .out(out);
    }
    l.i32(outer).i32(n);
    if (rows) {
      l.run(l.blocksFor(outer), 1, ROW_THREADS, 1);
    } else {
      long tiles = (long) outer * ((inner + COLS_X - 1) / COLS_X);
      l.i32(inner).run(l.blocksFor(tiles), 1, COLS_X, COLS_Y);
    }
  }

  void softmax(CudaStorage x, int outer, int n, int inner, boolean log, CudaStorage out) {
    String what = log ? "logSoftmax" : "softmax";
    requireShape(what, x, outer, n, inner);
    CudaBackend.requireCovers(what + " output", out, (long) outer * n * inner);
    CudaBackend.requireSameDType(what, x, out);
    if (!x.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(what + " needs a floating-point input, got " + x.dtype());
    }
    if ((long) outer * n * inner == 0) {
      return;
    }
    StreamContext s = backend.cudaDevice().enter();
    String t = CudaBackend.suffix(x.dtype());
    if (inner == 1) {
      Launch l =
          Launch.of(s, "softmax_rows_" + t).in(x).out(out).i32(outer).i32(n).i32(log ? 1 : 0);
      l.run(l.blocksFor(outer), 1, ROW_THREADS, 1);
    } else {
      Launch.of(s, "softmax_cols_" + t)
          .in(x)
          .out(out)
          .i32(outer)
          .i32(n)
          .i32(inner)
          .i32(log ? 1 : 0)
          .over((long) outer * inner);
    }
  }

  private static void requireShape(String what, CudaStorage x, int outer, int n, int inner) {
    if (outer < 0 || n < 0 || inner < 0) {
      throw new IllegalArgumentException(
          what + ": sizes must be >= 0, got [" + outer + ", " + n + ", " + inner + "]");
    }
    CudaBackend.requireCovers(what + " input", x, (long) outer * n * inner);
  }
}
