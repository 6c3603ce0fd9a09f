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
  /** The largest {@code M N K} OpenBLAS runs through its small-matrix sgemm kernel. */
  static final long SMALL_PRODUCT = 1_000_000;

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
    int rows = rowBlock(transA, transB, m, n, k);
    for (int r = 0; r < m; r += rows) {
      openblas_nolapack.cblas_sgemm(
          CblasRowMajor,
          transA ? CblasTrans : CblasNoTrans,
          transB ? CblasTrans : CblasNoTrans,
          Math.min(rows, m - r),
          n,
          k,
          alpha,
          pa.position((long) r * k),
          transA ? m : k,
          pb.position(0),
          transB ? k : n,
          beta,
          pc.position((long) r * n),
          n);
    }
    pc.position(0).get(c, offC, m * n);
  }

  /**
   * The rows of A (and C) per {@code sgemm} call. OpenBLAS's AVX-512 builds run a product of {@code
   * M N K <= 1e6} through a small-matrix kernel without packing the operands, which at the
   * convolutions' shapes (K from 9 to 288, a few hundred to a few thousand columns) is 1.3 to 3
   * times as fast as the packed path a little above that size: M 32, K 144, N 363 takes 48 us in
   * one call and 30 us as two calls of 16 rows. So a product without transposes that is over the
   * size runs as blocks of rows that each fit, in multiples of 8 rows and at least 16 (below that,
   * the calls cost more than they gain, and a large product such as an MLP's first layer runs
   * whole). The blocks may round differently from one call in the last bits, as products of
   * different sizes already do; a given shape always runs the same blocks.
   */
  static int rowBlock(boolean transA, boolean transB, int m, int n, int k) {
    long columns = (long) n * k;
    if (transA || transB || m * columns <= SMALL_PRODUCT) {
      return Math.max(m, 1);
    }
    long rows = SMALL_PRODUCT / columns / 8 * 8;
    return rows >= 16 ? (int) rows : m;
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
