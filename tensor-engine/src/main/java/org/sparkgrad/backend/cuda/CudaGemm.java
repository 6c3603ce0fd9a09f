package org.sparkgrad.backend.cuda;

import java.util.Locale;
import java.util.logging.Logger;

/**
 * Matrix products on the device: cuBLAS through JCublas2 where {@code libcublas.so.12} loads (a
 * CUDA 12 machine), otherwise the project's own tiled kernels ({@link TiledGemm}); the choice is
 * logged once per device. {@code -Dsparkgrad.cuda.gemm=own} forces the own kernels (to measure
 * them); the default is {@code auto}.
 */
interface CudaGemm {
  /** A short name for descriptions and logs. */
  String name();

  /**
   * Row-major {@code C = alpha * op(A) @ op(B) + beta * C}, as {@link
   * org.sparkgrad.backend.Backend#gemm}; the caller has checked dtypes, sizes and offsets and that
   * {@code m} and {@code n} are positive.
   */
  @SuppressWarnings("TooManyParameters") // the BLAS signature, which every caller knows
  void gemm(
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
      int offsetC);

  /**
   * {@code batch} products, the {@code z}-th on {@code A + z * strideA}, {@code B + z * strideB},
   * {@code C + z * strideC}, as {@link org.sparkgrad.backend.Backend#gemmBatched}; one {@link
   * #gemm} each unless the implementation does better.
   */
  @SuppressWarnings("TooManyParameters") // the strided-batched BLAS signature
  default void gemmBatched(
      StreamContext s,
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      double alpha,
      CudaStorage a,
      int offsetA,
      int strideA,
      CudaStorage b,
      int offsetB,
      int strideB,
      double beta,
      CudaStorage c,
      int offsetC,
      int strideC,
      int batch) {
    for (int z = 0; z < batch; z++) {
      gemm(
          s,
          transA,
          transB,
          m,
          n,
          k,
          alpha,
          a,
          offsetA + z * strideA,
          b,
          offsetB + z * strideB,
          beta,
          c,
          offsetC + z * strideC);
    }
  }

  /** The GEMM for {@code device}, logging which one it is. */
  static CudaGemm choose(CudaDevice device) {
    Logger log = Logger.getLogger(CudaGemm.class.getName());
    String mode = System.getProperty("sparkgrad.cuda.gemm", "auto").toLowerCase(Locale.ROOT);
    TiledGemm own = new TiledGemm();
    switch (mode) {
      case "own" -> {
        log.info(
            device
                + ": matrix products on Sparkgrad's tiled GEMM kernels (forced by"
                + " -Dsparkgrad.cuda.gemm=own)");
        return own;
      }
      case "auto" -> {
        try {
          CudaGemm cublas = CublasGemm.load(device, own);
          log.info(device + ": matrix products on cuBLAS (libcublas.so.12 through JCublas2)");
          return cublas;
        } catch (LinkageError | CudaException e) {
          log.info(
              device
                  + ": matrix products on Sparkgrad's tiled GEMM kernels; cuBLAS is unavailable ("
                  + CublasGemm.whyUnavailable(e)
                  + ")");
          return own;
        }
      }
      default ->
          throw new IllegalArgumentException(
              "sparkgrad.cuda.gemm must be 'auto' or 'own', got '" + mode + "'");
    }
  }
}
