package org.sparkgrad.backend.cuda;

import java.lang.ref.Reference;
import jcuda.driver.JCudaDriver;
import org.sparkgrad.backend.Backend;
import org.sparkgrad.backend.BinaryOp;
import org.sparkgrad.backend.Layout;
import org.sparkgrad.backend.ReduceOp;
import org.sparkgrad.backend.Storage;
import org.sparkgrad.backend.UnaryOp;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.DeviceScope;

/**
 * The CUDA backend for one GPU: every primitive is a CUDA C kernel of this project ({@code
 * src/main/cuda}), and matrix products run on cuBLAS where {@code libcublas.so.12} loads, else on
 * the project's tiled SGEMM kernel.
 *
 * <p>Each calling thread gets its own CUDA stream; calls return once the work is queued, and {@link
 * #toArray} (and anything else that hands values to the host) waits for it. Device memory comes
 * from a {@linkplain #memoryStats() caching allocator}; a storage holds its memory until {@link
 * Storage#close()} or, as a backstop, until it is garbage-collected.
 *
 * <p>What it does not do: peer-to-peer copies between GPUs (a tensor moves through the host),
 * tensors above 2^31 - 1 elements.
 */
public final class CudaBackend implements Backend {
  private final CudaDevice device;
  private final CudaGemm gemm;
  private final CudaReductions reductions;
  private final CudaIndexing indexing;

  CudaBackend(CudaDevice device) {
    this.device = device;
    this.gemm = CudaGemm.choose(device);
    this.reductions = new CudaReductions(this);
    this.indexing = new CudaIndexing(this);
  }

  CudaDevice cudaDevice() {
    return device;
  }

  @Override
  public Device device() {
    return device.device();
  }

  @Override
  public String description() {
    return device + " (GEMM: " + gemm.name() + ")";
  }

  /** Device memory held by this backend's caching allocator. */
  public CudaMemoryStats memoryStats() {
    return device.allocator().stats();
  }

  /** Returns every cached, unused block to the driver, as {@code torch.cuda.empty_cache()}. */
  public void emptyCache() {
    device.enter();
    device.allocator().emptyCache();
  }

  /** Waits until all work this thread queued on the device has finished. */
  public void synchronize() {
    device.enter().synchronize();
  }

  // --------------------------------------------------------------------------- memory, transfers

  /** A storage whose contents are undefined (every caller overwrites it). */
  CudaStorage uninitialised(DType dtype, int size) {
    if (size < 0) {
      throw new IllegalArgumentException("storage size must be >= 0, got " + size);
    }
    if (size == 0) {
      return new CudaStorage(device, dtype, 0, null);
    }
    long bytes = (long) size * CudaStorage.elementSize(dtype);
    CudaStorage s = new CudaStorage(device, dtype, size, device.allocator().allocate(bytes));
    DeviceScope.track(s);
    return s;
  }

  @Override
  public Storage allocate(DType dtype, int size) {
    StreamContext s = device.enter();
    CudaStorage out = uninitialised(dtype, size);
    if (size > 0) {
      DeviceBlock b = out.block();
      b.use(s, true);
      try {
        Cuda.check(
            JCudaDriver.cuMemsetD8Async(b.pointer(), (byte) 0, out.bytes(), s.stream()),
            "cuMemsetD8Async on " + device);
      } finally {
        Reference.reachabilityFence(out);
      }
    }
    return out;
  }

  @Override
  public Storage fromArray(Object array) {
    return Transfers.upload(this, array);
  }

  @Override
  public Object toArray(Storage storage) {
    return Transfers.download(device.enter(), cuda(storage));
  }

  // ------------------------------------------------------------------------------- elementwise

  @Override
  public void fill(Storage storage, double value) {
    CudaStorage s = cuda(storage);
    Launch l = Launch.of(device.enter(), "fill_" + suffix(s.dtype())).out(s).i32(s.size());
    switch (s.dtype()) {
      case FLOAT32 -> l.f32((float) value);
      case FLOAT64 -> l.f64(value);
      case INT64 -> l.i64((long) value);
    }
    l.over(s.size());
  }

  @Override
  public void cast(Storage src, Storage dst) {
    CudaStorage s = cuda(src);
    CudaStorage d = cuda(dst);
    requireCovers("cast", d, s.size());
    Launch.of(device.enter(), "cast_" + suffix(s.dtype()) + "_" + suffix(d.dtype()))
        .in(s)
        .out(d)
        .i32(s.size())
        .over(s.size());
  }

  @Override
  public void copy(
      Storage src,
      int srcOffset,
      int[] srcStrides,
      Storage dst,
      int dstOffset,
      int[] dstStrides,
      int[] shape) {
    stridedCopy("copy", src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape);
  }

  @Override
  public void copyAdd(
      Storage src,
      int srcOffset,
      int[] srcStrides,
      Storage dst,
      int dstOffset,
      int[] dstStrides,
      int[] shape) {
    stridedCopy("copy_add", src, srcOffset, srcStrides, dst, dstOffset, dstStrides, shape);
  }

  private void stridedCopy(
      String kernel,
      Storage src,
      int srcOffset,
      int[] srcStrides,
      Storage dst,
      int dstOffset,
      int[] dstStrides,
      int[] shape) {
    CudaStorage s = cuda(src);
    CudaStorage d = cuda(dst);
    StridedArgs.requireWithin(kernel + " source", s, srcOffset, srcStrides, shape);
    StridedArgs.requireWithin(kernel + " destination", d, dstOffset, dstStrides, shape);
    Layout l = Layout.coalesce(shape, srcStrides, dstStrides);
    long n = StridedArgs.numel(shape);
    if (n == 0) {
      return;
    }
    Launch.of(device.enter(), kernel + "_" + suffix(s.dtype()) + "_" + suffix(d.dtype()))
        .in(s)
        .i32(srcOffset)
        .out(d)
        .i32(dstOffset)
        .struct(StridedArgs.pack(l, 2))
        .i32((int) n)
        .over(n);
  }

  @Override
  public void unary(UnaryOp op, Storage x, Storage out) {
    CudaStorage xs = cuda(x);
    CudaStorage os = cuda(out);
    requireCovers("unary " + op, os, xs.size());
    requireSameDType("unary " + op, xs, os);
    if (op == UnaryOp.ROUND_BF16 || op == UnaryOp.ROUND_F16) {
      roundHalf(op, xs, os);
      return;
    }
    Launch.of(device.enter(), "unary_" + suffix(xs.dtype()))
        .i32(CudaOps.code(op))
        .in(xs)
        .out(os)
        .i32(xs.size())
        .over(xs.size());
  }

  /** Autocast's rounding to a 16-bit format, by {@code amp.cu}'s float32 kernels. */
  private void roundHalf(UnaryOp op, CudaStorage xs, CudaStorage os) {
    if (xs.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException(op + " needs float32 storage, got " + xs.dtype());
    }
    if (xs.size() == 0) {
      return;
    }
    Launch.of(device.enter(), op == UnaryOp.ROUND_BF16 ? "round_f32_bf16" : "round_f32_f16")
        .in(xs)
        .out(os)
        .i32(xs.size())
        .over(xs.size());
  }

  @Override
  public void binary(
      BinaryOp op, Storage a, int[] aStrides, Storage b, int[] bStrides, Storage out, int[] shape) {
    CudaStorage as = cuda(a);
    CudaStorage bs = cuda(b);
    CudaStorage os = cuda(out);
    String what = "binary " + op;
    requireSameDType(what, as, bs);
    requireSameDType(what, as, os);
    long n = StridedArgs.numel(shape);
    StridedArgs.requireWithin(what + " left operand", as, 0, aStrides, shape);
    StridedArgs.requireWithin(what + " right operand", bs, 0, bStrides, shape);
    StridedArgs.requireWithin(what + " output", os, 0, n);
    if (n == 0) {
      return;
    }
    Layout l = Layout.coalesce(shape, aStrides, bStrides, StridedArgs.contiguous(shape));
    StreamContext s = device.enter();
    Launch launch =
        Launch.of(s, "binary_" + suffix(as.dtype()))
            .i32(CudaOps.code(op))
            .in(as)
            .in(bs)
            .out(os)
            .struct(StridedArgs.pack(l, 2))
            .i32((int) n);
    if (as.dtype() == DType.INT64) {
      if (op == BinaryOp.DIV) {
        launch.errors("integer division", 0).over(n);
        s.checkErrors();
      } else {
        launch.noErrors().over(n);
      }
    } else {
      launch.over(n);
    }
  }

  @Override
  public void where(
      Storage cond,
      int[] condStrides,
      Storage a,
      int[] aStrides,
      Storage b,
      int[] bStrides,
      Storage out,
      int[] shape) {
    CudaStorage cs = cuda(cond);
    CudaStorage as = cuda(a);
    CudaStorage bs = cuda(b);
    CudaStorage os = cuda(out);
    requireSameDType("where", as, bs);
    requireSameDType("where", as, os);
    long n = StridedArgs.numel(shape);
    StridedArgs.requireWithin("where condition", cs, 0, condStrides, shape);
    StridedArgs.requireWithin("where first operand", as, 0, aStrides, shape);
    StridedArgs.requireWithin("where second operand", bs, 0, bStrides, shape);
    StridedArgs.requireWithin("where output", os, 0, n);
    if (n == 0) {
      return;
    }
    Layout l =
        Layout.coalesce(shape, condStrides, aStrides, bStrides, StridedArgs.contiguous(shape));
    Launch.of(device.enter(), "where_" + suffix(cs.dtype()) + "_" + suffix(as.dtype()))
        .in(cs)
        .in(as)
        .in(bs)
        .out(os)
        .struct(StridedArgs.pack(l, 3))
        .i32((int) n)
        .over(n);
  }

  @Override
  public void axpy(double alpha, Storage x, Storage y) {
    CudaStorage xs = cuda(x);
    CudaStorage ys = cuda(y);
    requireCovers("axpy", ys, xs.size());
    requireSameDType("axpy", xs, ys);
    Launch l = Launch.of(device.enter(), "axpy_" + suffix(xs.dtype()));
    if (xs.dtype() == DType.FLOAT32) {
      l.f32((float) alpha);
    } else {
      l.f64(alpha);
    }
    l.in(xs).out(ys).i32(xs.size()).over(xs.size());
  }

  // ------------------------------------------------------------------ reductions, GEMM, indexing

  @Override
  public void reduce(ReduceOp op, Storage x, int outer, int n, int inner, Storage out) {
    reductions.reduce(op, cuda(x), outer, n, inner, cuda(out));
  }

  @Override
  public void softmax(Storage x, int outer, int n, int inner, boolean log, Storage out) {
    reductions.softmax(cuda(x), outer, n, inner, log, cuda(out));
  }

  @Override
  public void gemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      double alpha,
      Storage a,
      int offsetA,
      Storage b,
      int offsetB,
      double beta,
      Storage c,
      int offsetC) {
    gemmBatched(
        transA, transB, m, n, k, alpha, a, offsetA, 0, b, offsetB, 0, beta, c, offsetC, 0, 1);
  }

  @Override
  public void gemmBatched(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      double alpha,
      Storage a,
      int offsetA,
      int strideA,
      Storage b,
      int offsetB,
      int strideB,
      double beta,
      Storage c,
      int offsetC,
      int strideC,
      int batch) {
    CudaStorage as = cuda(a);
    CudaStorage bs = cuda(b);
    CudaStorage cs = cuda(c);
    requireSameDType("gemm", as, bs);
    requireSameDType("gemm", as, cs);
    if (as.dtype() == DType.INT64) {
      throw new IllegalArgumentException("matmul is not defined for int64 tensors");
    }
    if (m < 0 || n < 0 || k < 0 || batch < 0 || strideA < 0 || strideB < 0 || strideC < 0) {
      throw new IllegalArgumentException(
          "gemm sizes, batch and strides must be >= 0, got m="
              + m
              + " n="
              + n
              + " k="
              + k
              + " batch="
              + batch
              + " strides "
              + strideA
              + ", "
              + strideB
              + ", "
              + strideC);
    }
    if (batch == 0) {
      return;
    }
    long last = batch - 1L;
    StridedArgs.requireWithin("gemm A", as, offsetA, last * strideA + (long) m * k);
    StridedArgs.requireWithin("gemm B", bs, offsetB, last * strideB + (long) k * n);
    StridedArgs.requireWithin("gemm C", cs, offsetC, last * strideC + (long) m * n);
    if (m == 0 || n == 0) {
      return;
    }
    gemm.gemmBatched(
        device.enter(),
        transA,
        transB,
        m,
        n,
        k,
        alpha,
        as,
        offsetA,
        strideA,
        bs,
        offsetB,
        strideB,
        beta,
        cs,
        offsetC,
        strideC,
        batch);
  }

  @Override
  public void gather(Storage src, int outer, int n, int inner, Storage index, int k, Storage out) {
    indexing.gather(cuda(src), outer, n, inner, cuda(index), k, cuda(out));
  }

  @Override
  public void scatterAdd(
      Storage src, int outer, int n, int inner, Storage index, int k, Storage out) {
    indexing.scatterAdd(cuda(src), outer, n, inner, cuda(index), k, cuda(out));
  }

  @Override
  public void indexSelect(
      Storage src, int outer, int n, int inner, Storage index, int k, Storage out) {
    indexing.indexSelect(cuda(src), outer, n, inner, cuda(index), k, cuda(out));
  }

  @Override
  public void indexAdd(
      Storage src, int outer, int n, int inner, Storage index, int k, Storage out) {
    indexing.indexAdd(cuda(src), outer, n, inner, cuda(index), k, cuda(out));
  }

  // ------------------------------------------------------------------------------------ helpers

  /** The kernel-name suffix of a dtype: {@code f32}, {@code f64} or {@code i64}. */
  static String suffix(DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> "f32";
      case FLOAT64 -> "f64";
      case INT64 -> "i64";
    };
  }

  CudaStorage cuda(Storage s) {
    if (s instanceof CudaStorage c && c.cudaDevice() == device) {
      return c;
    }
    throw new IllegalArgumentException(
        "the CUDA backend for " + device() + " was given a storage on " + s.device());
  }

  /** Checks that {@code s} has at least {@code count} elements: a kernel will touch that many. */
  static void requireCovers(String what, Storage s, long count) {
    if (s.size() < count) {
      throw new IllegalArgumentException(
          what + ": needs " + count + " elements, the storage has " + s.size());
    }
  }

  static void requireSameDType(String what, Storage a, Storage b) {
    if (a.dtype() != b.dtype()) {
      throw new IllegalArgumentException(
          what + ": dtypes differ, " + a.dtype() + " and " + b.dtype());
    }
  }

  // ---- Fused primitives (issue 20), fused.cu's kernels.

  @Override
  public void biasActivation(
      UnaryOp act, Storage x, Storage bias, int rows, int cols, Storage out) {
    CudaStorage xs = cuda(x);
    CudaStorage bs = cuda(bias);
    CudaStorage os = cuda(out);
    long n = (long) rows * cols;
    requireCovers("biasActivation input", xs, n);
    requireCovers("biasActivation bias", bs, cols);
    requireCovers("biasActivation output", os, n);
    requireSameDType("biasActivation", xs, bs);
    requireSameDType("biasActivation", xs, os);
    if (act != UnaryOp.RELU && act != UnaryOp.TANH && act != UnaryOp.SIGMOID) {
      throw new IllegalArgumentException(
          "biasActivation: activation must be RELU, TANH or SIGMOID, got " + act);
    }
    if (n == 0) {
      return;
    }
    Launch.of(device.enter(), "bias_act_" + suffix(xs.dtype()))
        .i32(CudaOps.code(act))
        .in(xs)
        .in(bs)
        .out(os)
        .i32(rows)
        .i32(cols)
        .over(n);
  }

  @Override
  public void crossEntropy(
      Storage logits,
      Storage targets,
      long ignoreIndex,
      int rows,
      int classes,
      Storage losses,
      Storage probs) {
    CudaStorage ls = cuda(logits);
    CudaStorage ts = cuda(targets);
    CudaStorage out = cuda(losses);
    CudaStorage ps = cuda(probs);
    checkCrossEntropy("crossEntropy", ls, ts, rows, classes, ps);
    requireCovers("crossEntropy losses", out, rows);
    requireSameDType("crossEntropy", ls, out);
    if (rows == 0) {
      return;
    }
    StreamContext s = device.enter();
    Launch.of(s, "cross_entropy_" + suffix(ls.dtype()))
        .in(ls)
        .in(ts)
        .out(out)
        .out(ps)
        .i32(rows)
        .i32(classes)
        .i64(ignoreIndex)
        .errors("crossEntropy target", classes)
        .over(rows);
    if (StreamContext.SYNCHRONOUS_ERRORS) {
      s.checkErrors();
    }
  }

  @Override
  public void crossEntropyBackward(
      Storage probs,
      Storage targets,
      long ignoreIndex,
      Storage g,
      int rows,
      int classes,
      Storage out) {
    CudaStorage ps = cuda(probs);
    CudaStorage ts = cuda(targets);
    CudaStorage gs = cuda(g);
    CudaStorage os = cuda(out);
    checkCrossEntropy("crossEntropyBackward", ps, ts, rows, classes, os);
    requireCovers("crossEntropyBackward gradient", gs, rows);
    requireSameDType("crossEntropyBackward", ps, gs);
    if ((long) rows * classes == 0) {
      return;
    }
    StreamContext s = device.enter();
    Launch.of(s, "cross_entropy_backward_" + suffix(ps.dtype()))
        .in(ps)
        .in(ts)
        .in(gs)
        .out(os)
        .i32(rows)
        .i32(classes)
        .i64(ignoreIndex)
        .errors("crossEntropyBackward target", classes)
        .over((long) rows * classes);
    if (StreamContext.SYNCHRONOUS_ERRORS) {
      s.checkErrors();
    }
  }

  /** The checks both cross-entropy kernels share: {@code [rows, classes]} arrays, INT64 targets. */
  private static void checkCrossEntropy(
      String what,
      CudaStorage values,
      CudaStorage targets,
      int rows,
      int classes,
      CudaStorage out) {
    if (!values.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          what + " needs floating-point values, got " + values.dtype());
    }
    if (targets.dtype() != DType.INT64) {
      throw new IllegalArgumentException(what + " needs INT64 targets, got " + targets.dtype());
    }
    requireCovers(what + " input", values, (long) rows * classes);
    requireCovers(what + " targets", targets, rows);
    requireCovers(what + " output", out, (long) rows * classes);
    requireSameDType(what, values, out);
  }
}
