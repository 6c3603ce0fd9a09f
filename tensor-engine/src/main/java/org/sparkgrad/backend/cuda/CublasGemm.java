package org.sparkgrad.backend.cuda;

import java.lang.ref.Reference;
import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;
import org.sparkgrad.tensor.DType;

/**
 * GEMM on cuBLAS through JCublas2 (which links {@code libcublas.so.12}). cuBLAS is column-major, so
 * the row-major product {@code C = op(A) op(B)} is computed as {@code C^T = op(B)^T op(A)^T}: the
 * row-major arrays, read column-major, are already the transposes. One handle per thread and
 * device, kept in its {@link StreamContext} and bound to its stream. The default math mode keeps
 * full float32 (no TF32).
 */
final class CublasGemm implements CudaGemm {
  private final CudaDevice device;
  private final TiledGemm fallback;

  private CublasGemm(CudaDevice device, TiledGemm fallback) {
    this.device = device;
    this.fallback = fallback;
  }

  /**
   * Loads JCublas2 and creates a handle on this thread, proving cuBLAS works here.
   *
   * @throws LinkageError if {@code libcublas.so.12} (or JCublas2's natives) cannot be loaded
   * @throws CudaException if cuBLAS cannot start
   */
  static CublasGemm load(CudaDevice device, TiledGemm fallback) {
    JCublas2.initialize();
    CublasGemm g = new CublasGemm(device, fallback);
    g.handle(device.enter());
    return g;
  }

  /** Why loading failed, in one line. */
  static String whyUnavailable(Throwable e) {
    String m = String.valueOf(e.getMessage());
    String line = m.lines().filter(l -> l.contains("libcublas")).findFirst().orElse(null);
    if (line != null) {
      return "JCublas2 needs libcublas.so.12: " + line.trim();
    }
    int nl = m.indexOf('\n');
    return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
  }

  @Override
  public String name() {
    return "cuBLAS";
  }

  private cublasHandle handle(StreamContext s) {
    cublasHandle h = s.cublasHandle();
    if (h == null) {
      h = new cublasHandle();
      check(JCublas2.cublasCreate(h), "cublasCreate");
      check(JCublas2.cublasSetStream(h, new cudaStream_t(s.stream())), "cublasSetStream");
      s.setCublasHandle(h);
    }
    return h;
  }

  @Override
  public void gemm(
      StreamContext s,
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      double alpha,
      CudaStorage a,
      int offsetA,
      CudaStorage b,
      int offsetB,
      double beta,
      CudaStorage c,
      int offsetC) {
    if (k == 0) {
      // C = beta * C; the tiled kernel does exactly that with an empty inner loop.
      fallback.gemm(s, transA, transB, m, n, k, alpha, a, offsetA, b, offsetB, beta, c, offsetC);
      return;
    }
    cublasHandle h = handle(s);
    a.block().use(s, false);
    b.block().use(s, false);
    c.block().use(s, true);
    int opA = transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
    int opB = transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
    int lda = transA ? m : k;
    int ldb = transB ? k : n;
    int elem = CudaStorage.elementSize(a.dtype());
    Pointer pa = a.pointer().withByteOffset((long) offsetA * elem);
    Pointer pb = b.pointer().withByteOffset((long) offsetB * elem);
    Pointer pc = c.pointer().withByteOffset((long) offsetC * elem);
    try {
      if (a.dtype() == DType.FLOAT32) {
        check(
            JCublas2.cublasSgemm(
                h,
                opB,
                opA,
                n,
                m,
                k,
                Pointer.to(new float[] {(float) alpha}),
                pb,
                ldb,
                pa,
                lda,
                Pointer.to(new float[] {(float) beta}),
                pc,
                n),
            "cublasSgemm");
      } else {
        check(
            JCublas2.cublasDgemm(
                h,
                opB,
                opA,
                n,
                m,
                k,
                Pointer.to(new double[] {alpha}),
                pb,
                ldb,
                pa,
                lda,
                Pointer.to(new double[] {beta}),
                pc,
                n),
            "cublasDgemm");
      }
    } finally {
      Reference.reachabilityFence(a);
      Reference.reachabilityFence(b);
      Reference.reachabilityFence(c);
    }
  }

  private void check(int status, String call) {
    if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
      throw new CudaException(
          call + " on " + device + " failed: " + cublasStatus.stringFor(status));
    }
  }
}
