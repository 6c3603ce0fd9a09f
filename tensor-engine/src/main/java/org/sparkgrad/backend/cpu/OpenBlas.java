package org.sparkgrad.backend.cpu;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * GEMM on the OpenBLAS that {@code org.bytedeco:openblas} bundles (a current release that detects
 * current CPUs), with no system library needed.
 *
 * <p>Operands are copied into per-thread off-heap buffers that are reused across calls: the copy is
 * O(n^2) against the O(n^3) product, and measured at under 10% for the smallest layer shapes of an
 * MLP, while handing Java arrays to native code directly was several times slower for large
 * matrices (docs/BENCHMARKS.md).
 */
final class OpenBlas implements CpuBlas {
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
  private final String name;

  OpenBlas(int threads) {
    // Loading the class extracts and links the native library; failures surface here.
    BundledThreads.set(threads);
    this.name =
        openblas_nolapack.OPENBLAS_VERSION.trim()
            + " ("
            + threads
            + " thread"
            + (threads == 1 ? "" : "s")
            + ")";
  }

  @Override
  public String name() {
    return name;
  }

  /** Off-heap buffers for A, B and C, grown on demand and kept for the thread's next call. */
  private static final class Scratch {
    final FloatPointer[] f = new FloatPointer[3];
    final DoublePointer[] d = new DoublePointer[3];

    FloatPointer floats(int i, long n) {
      if (f[i] == null || f[i].capacity() < n) {
        if (f[i] != null) {
          f[i].close();
          // A failed allocation below (JavaCPP's OutOfMemoryError) must not leave a closed buffer.
          f[i] = null;
        }
        f[i] = new FloatPointer(Math.max(n, 1024));
      }
      return f[i];
    }

    DoublePointer doubles(int i, long n) {
      if (d[i] == null || d[i].capacity() < n) {
        if (d[i] != null) {
          d[i].close();
          // A failed allocation below (JavaCPP's OutOfMemoryError) must not leave a closed buffer.
          d[i] = null;
        }
        d[i] = new DoublePointer(Math.max(n, 256));
      }
      return d[i];
    }
  }

  @Override
  public void sgemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      float[] a,
      int offA,
      float[] b,
      int offB,
      float beta,
      float[] c,
      int offC) {
    Scratch s = scratch.get();
    FloatPointer pa = s.floats(0, (long) m * k);
    FloatPointer pb = s.floats(1, (long) k * n);
    FloatPointer pc = s.floats(2, (long) m * n);
    pa.position(0).put(a, offA, m * k);
    pb.position(0).put(b, offB, k * n);
    if (beta != 0) {
      pc.position(0).put(c, offC, m * n);
    }
    openblas_nolapack.cblas_sgemm(
        CblasRowMajor,
        transA ? CblasTrans : CblasNoTrans,
        transB ? CblasTrans : CblasNoTrans,
        m,
        n,
        k,
        alpha,
        pa,
        transA ? m : k,
        pb,
        transB ? k : n,
        beta,
        pc,
        n);
    pc.position(0).get(c, offC, m * n);
  }

  @Override
  public void dgemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      double alpha,
      double[] a,
      int offA,
      double[] b,
      int offB,
      double beta,
      double[] c,
      int offC) {
    Scratch s = scratch.get();
    DoublePointer pa = s.doubles(0, (long) m * k);
    DoublePointer pb = s.doubles(1, (long) k * n);
    DoublePointer pc = s.doubles(2, (long) m * n);
    pa.position(0).put(a, offA, m * k);
    pb.position(0).put(b, offB, k * n);
    if (beta != 0) {
      pc.position(0).put(c, offC, m * n);
    }
    openblas_nolapack.cblas_dgemm(
        CblasRowMajor,
        transA ? CblasTrans : CblasNoTrans,
        transB ? CblasTrans : CblasNoTrans,
        m,
        n,
        k,
        alpha,
        pa,
        transA ? m : k,
        pb,
        transB ? k : n,
        beta,
        pc,
        n);
    pc.position(0).get(c, offC, m * n);
  }
}
