package org.sparkgrad.backend.cpu;

import java.util.Arrays;
import org.sparkgrad.backend.AdamHyper;
import org.sparkgrad.backend.Backend;
import org.sparkgrad.backend.BinaryOp;
import org.sparkgrad.backend.Layout;
import org.sparkgrad.backend.ReduceOp;
import org.sparkgrad.backend.Storage;
import org.sparkgrad.backend.UnaryOp;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;

/**
 * The CPU backend: matrix products on a BLAS, elementwise work in plain Java loops, float32 loops
 * specialised for the hot maps. Stateless apart from the BLAS handle, so one instance serves every
 * thread.
 */
public final class CpuBackend implements Backend {
  private static final CpuBackend INSTANCE = new CpuBackend(CpuBlasLoader.load());

  private final CpuBlas blas;

  private CpuBackend(CpuBlas blas) {
    this.blas = blas;
  }

  /** The shared CPU backend. */
  public static CpuBackend instance() {
    return INSTANCE;
  }

  @Override
  public Device device() {
    return Device.CPU;
  }

  @Override
  public String description() {
    return "cpu (BLAS: " + blas.name() + ")";
  }

  @Override
  public Storage allocate(DType dtype, int size) {
    return CpuStorage.allocate(dtype, size);
  }

  @Override
  public Storage fromArray(Object array) {
    if (array instanceof float[] f) {
      return new CpuStorage(f.clone());
    } else if (array instanceof double[] d) {
      return new CpuStorage(d.clone());
    } else if (array instanceof long[] l) {
      return new CpuStorage(l.clone());
    }
    throw new IllegalArgumentException(
        "expected float[], double[] or long[], got " + array.getClass().getSimpleName());
  }

  /** Wraps an array without copying: the storage and the caller share it. */
  public static Storage wrap(float[] array) {
    return new CpuStorage(array);
  }

  /** Wraps an array without copying: the storage and the caller share it. */
  public static Storage wrap(double[] array) {
    return new CpuStorage(array);
  }

  /** Wraps an array without copying: the storage and the caller share it. */
  public static Storage wrap(long[] array) {
    return new CpuStorage(array);
  }

  @Override
  public Object toArray(Storage storage) {
    CpuStorage s = cpu(storage);
    return switch (s.dtype()) {
      case FLOAT32 -> s.floats().clone();
      case FLOAT64 -> s.doubles().clone();
      case INT64 -> s.longs().clone();
    };
  }

  @Override
  public void fill(Storage storage, double value) {
    CpuStorage s = cpu(storage);
    switch (s.dtype()) {
      case FLOAT32 -> Arrays.fill(s.floats(), (float) value);
      case FLOAT64 -> Arrays.fill(s.doubles(), value);
      case INT64 -> Arrays.fill(s.longs(), (long) value);
    }
  }

  @Override
  public void cast(Storage src, Storage dst) {
    CpuStorage s = cpu(src);
    CpuStorage d = cpu(dst);
    if (s.dtype() == DType.INT64 && d.dtype() == DType.INT64) {
      System.arraycopy(s.longs(), 0, d.longs(), 0, s.size());
      return;
    }
    for (int i = 0; i < s.size(); i++) {
      d.set(i, s.get(i));
    }
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
    stridedCopy(cpu(src), srcOffset, srcStrides, cpu(dst), dstOffset, dstStrides, shape, false);
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
    stridedCopy(cpu(src), srcOffset, srcStrides, cpu(dst), dstOffset, dstStrides, shape, true);
  }

  private static void stridedCopy(
      CpuStorage s,
      int srcOffset,
      int[] srcStrides,
      CpuStorage d,
      int dstOffset,
      int[] dstStrides,
      int[] shape,
      boolean add) {
    Layout l = Layout.coalesce(shape, srcStrides, dstStrides);
    int ss = l.strides[0][l.shape.length - 1];
    int ds = l.strides[1][l.shape.length - 1];
    Object sa = array(s);
    Object da = array(d);
    boolean floats = s.dtype() == DType.FLOAT32 && d.dtype() == DType.FLOAT32;
    boolean sameType = s.dtype() == d.dtype();
    Rows.forEach(
        l,
        new int[] {srcOffset, dstOffset},
        (off, n) -> {
          if (!add && sameType && ss == 1 && ds == 1) {
            System.arraycopy(sa, off[0], da, off[1], n);
          } else if (floats) {
            float[] sf = (float[]) sa;
            float[] df = (float[]) da;
            if (add) {
              for (int i = 0; i < n; i++) {
                df[off[1] + i * ds] += sf[off[0] + i * ss];
              }
            } else {
              for (int i = 0; i < n; i++) {
                df[off[1] + i * ds] = sf[off[0] + i * ss];
              }
            }
          } else {
            for (int i = 0; i < n; i++) {
              int t = off[1] + i * ds;
              double v = s.get(off[0] + i * ss);
              d.set(t, add ? d.get(t) + v : v);
            }
          }
        });
  }

  @Override
  public void unary(UnaryOp op, Storage x, Storage out) {
    CpuStorage xs = cpu(x);
    CpuStorage os = cpu(out);
    int n = xs.size();
    if (xs.dtype() == DType.FLOAT32) {
      FloatKernels.unary(op, xs.floats(), os.floats(), n);
    } else {
      for (int i = 0; i < n; i++) {
        os.set(i, op.apply(xs.get(i)));
      }
    }
  }

  @Override
  public void binary(
      BinaryOp op, Storage a, int[] aStrides, Storage b, int[] bStrides, Storage out, int[] shape) {
    CpuStorage as = cpu(a);
    CpuStorage bs = cpu(b);
    CpuStorage os = cpu(out);
    Layout l = Layout.coalesce(shape, aStrides, bStrides, Rows.contiguous(shape));
    int last = l.shape.length - 1;
    int sa = l.strides[0][last];
    int sb = l.strides[1][last];
    int[] base = new int[3];
    switch (as.dtype()) {
      case FLOAT32 -> {
        float[] af = as.floats();
        float[] bf = bs.floats();
        float[] of = os.floats();
        Rows.forEach(
            l,
            base,
            (off, n) -> FloatKernels.binaryRow(op, af, off[0], sa, bf, off[1], sb, of, off[2], n));
      }
      case FLOAT64 -> {
        double[] ad = as.doubles();
        double[] bd = bs.doubles();
        double[] od = os.doubles();
        Rows.forEach(
            l,
            base,
            (off, n) -> {
              for (int i = 0; i < n; i++) {
                od[off[2] + i] = op.apply(ad[off[0] + i * sa], bd[off[1] + i * sb]);
              }
            });
      }
      case INT64 -> {
        long[] al = as.longs();
        long[] bl = bs.longs();
        long[] ol = os.longs();
        Rows.forEach(
            l,
            base,
            (off, n) -> {
              for (int i = 0; i < n; i++) {
                ol[off[2] + i] = op.applyLong(al[off[0] + i * sa], bl[off[1] + i * sb]);
              }
            });
      }
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
    CpuStorage cs = cpu(cond);
    CpuStorage as = cpu(a);
    CpuStorage bs = cpu(b);
    CpuStorage os = cpu(out);
    Layout l = Layout.coalesce(shape, condStrides, aStrides, bStrides, Rows.contiguous(shape));
    int last = l.shape.length - 1;
    int sc = l.strides[0][last];
    int sa = l.strides[1][last];
    int sb = l.strides[2][last];
    Rows.forEach(
        l,
        new int[4],
        (off, n) -> {
          for (int i = 0; i < n; i++) {
            double v =
                cs.get(off[0] + i * sc) != 0 ? as.get(off[1] + i * sa) : bs.get(off[2] + i * sb);
            os.set(off[3] + i, v);
          }
        });
  }

  @Override
  public void axpy(double alpha, Storage x, Storage y) {
    CpuStorage xs = cpu(x);
    CpuStorage ys = cpu(y);
    int n = xs.size();
    if (xs.dtype() == DType.FLOAT32) {
      float[] xf = xs.floats();
      float[] yf = ys.floats();
      float a = (float) alpha;
      if (a == 1f) {
        for (int i = 0; i < n; i++) {
          yf[i] += xf[i];
        }
      } else {
        for (int i = 0; i < n; i++) {
          yf[i] += a * xf[i];
        }
      }
    } else {
      for (int i = 0; i < n; i++) {
        ys.set(i, ys.get(i) + alpha * xs.get(i));
      }
    }
  }

  @Override
  public void reduce(ReduceOp op, Storage x, int outer, int n, int inner, Storage out) {
    Reductions.reduce(op, cpu(x), outer, n, inner, cpu(out));
  }

  @Override
  public void softmax(Storage x, int outer, int n, int inner, boolean log, Storage out) {
    Reductions.softmax(cpu(x), outer, n, inner, log, cpu(out));
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
    if (m == 0 || n == 0) {
      return;
    }
    CpuStorage as = cpu(a);
    CpuStorage bs = cpu(b);
    CpuStorage cs = cpu(c);
    if (k == 0) {
      // BLAS leaves C untouched for k == 0 only when beta == 1; define it as C = beta * C, where
      // beta == 0 does not read C (as BLAS): a buffer zeroed lazily may hold anything.
      for (int i = 0; i < m * n; i++) {
        cs.set(offsetC + i, beta == 0 ? 0 : beta * cs.get(offsetC + i));
      }
      return;
    }
    switch (as.dtype()) {
      case FLOAT32 ->
          blas.sgemm(
              transA,
              transB,
              m,
              n,
              k,
              (float) alpha,
              as.floats(),
              offsetA,
              bs.floats(),
              offsetB,
              (float) beta,
              cs.floats(),
              offsetC);
      case FLOAT64 ->
          blas.dgemm(
              transA,
              transB,
              m,
              n,
              k,
              alpha,
              as.doubles(),
              offsetA,
              bs.doubles(),
              offsetB,
              beta,
              cs.doubles(),
              offsetC);
      case INT64 -> throw new IllegalArgumentException("matmul is not defined for int64 tensors");
    }
  }

  @Override
  public void gather(Storage src, int outer, int n, int inner, Storage index, int k, Storage out) {
    Indexing.gather(cpu(src), outer, n, inner, cpu(index), k, cpu(out), false);
  }

  @Override
  public void scatterAdd(
      Storage src, int outer, int n, int inner, Storage index, int k, Storage out) {
    Indexing.gather(cpu(out), outer, n, inner, cpu(index), k, cpu(src), true);
  }

  @Override
  public void indexSelect(
      Storage src, int outer, int n, int inner, Storage index, int k, Storage out) {
    Indexing.indexSelect(cpu(src), outer, n, inner, cpu(index), k, cpu(out), false);
  }

  @Override
  public void indexAdd(
      Storage src, int outer, int n, int inner, Storage index, int k, Storage out) {
    Indexing.indexSelect(cpu(out), outer, n, inner, cpu(index), k, cpu(src), true);
  }

  private static Object array(CpuStorage s) {
    return switch (s.dtype()) {
      case FLOAT32 -> s.floats();
      case FLOAT64 -> s.doubles();
      case INT64 -> s.longs();
    };
  }

  private static CpuStorage cpu(Storage s) {
    if (s instanceof CpuStorage c) {
      return c;
    }
    throw new IllegalArgumentException("the CPU backend was given a storage on " + s.device());
  }

  @Override
  public Storage allocateForOverwrite(DType dtype, int size) {
    return CpuStorage.allocate(dtype, size, false);
  }

  /** Float32 storages get the one-pass {@link AdamKernel}; others the optimizer's tensor ops. */
  @Override
  public boolean adamStep(
      Storage param,
      Storage grad,
      Storage expAvg,
      Storage expAvgSq,
      Storage maxExpAvgSq,
      AdamHyper hyper) {
    for (Storage s : new Storage[] {param, grad, expAvg, expAvgSq, maxExpAvgSq}) {
      if (s != null && (s.dtype() != DType.FLOAT32 || !(s instanceof CpuStorage))) {
        return false;
      }
    }
    AdamKernel.step(
        cpu(param).floats(),
        cpu(grad).floats(),
        cpu(expAvg).floats(),
        cpu(expAvgSq).floats(),
        maxExpAvgSq == null ? null : cpu(maxExpAvgSq).floats(),
        hyper);
    return true;
  }

  // ---- Fused primitives (issue 20), in FusedKernels.

  @Override
  public void biasActivation(
      UnaryOp act, Storage x, Storage bias, int rows, int cols, Storage out) {
    FusedKernels.biasActivation(act, cpu(x), cpu(bias), rows, cols, cpu(out));
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
    FusedKernels.crossEntropy(
        cpu(logits), cpu(targets), ignoreIndex, rows, classes, cpu(losses), cpu(probs));
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
    FusedKernels.crossEntropyBackward(
        cpu(probs), cpu(targets), ignoreIndex, cpu(g), rows, classes, cpu(out));
  }
}
