package org.sparkgrad.backend.cpu;

import dev.ludovic.netlib.blas.BLAS;

/**
 * GEMM through {@code dev.ludovic.netlib}, the BLAS Spark ships: JNI to the system's BLAS when
 * there is one, else a Java implementation.
 *
 * <p>BLAS is column-major; a row-major {@code C = op(A) op(B)} is the column-major {@code C^T =
 * op(B)^T op(A)^T}, so the operands swap and no data moves.
 */
final class NetlibBlas implements CpuBlas {
  private final BLAS blas = BLAS.getInstance();

  @Override
  public String name() {
    return "netlib " + blas.getClass().getSimpleName();
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
    int lda = transA ? m : k;
    int ldb = transB ? k : n;
    blas.sgemm(
        transB ? "T" : "N",
        transA ? "T" : "N",
        n,
        m,
        k,
        alpha,
        b,
        offB,
        ldb,
        a,
        offA,
        lda,
        beta,
        c,
        offC,
        n);
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
    int lda = transA ? m : k;
    int ldb = transB ? k : n;
    blas.dgemm(
        transB ? "T" : "N",
        transA ? "T" : "N",
        n,
        m,
        k,
        alpha,
        b,
        offB,
        ldb,
        a,
        offA,
        lda,
        beta,
        c,
        offC,
        n);
  }
}
