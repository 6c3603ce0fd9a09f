package org.sparkgrad.backend.cpu;

/** Row-major GEMM on the host; the CPU backend's only use of a BLAS library. */
interface CpuBlas {
  /** A short name for logs, such as {@code OpenBLAS (JNI)}. */
  String name();

  void sgemm(
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
      int offC);

  void dgemm(
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
      int offC);
}
