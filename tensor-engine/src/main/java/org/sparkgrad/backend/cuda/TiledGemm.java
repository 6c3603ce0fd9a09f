package org.sparkgrad.backend.cuda;

/**
 * The project's GEMM kernels ({@code gemm.cu}): SGEMM with shared-memory tiles and 8 x 8 (or 4 x 4)
 * register micro-tiles per thread, and a plain 16 x 16 tiled DGEMM for float64 gradient checks.
 * Transposes are flags the kernels read through, never copies.
 */
final class TiledGemm implements CudaGemm {
  private static final int THREADS = 256;
  private static final int MAX_GRID = 65535;

  @Override
  public String name() {
    return "Sparkgrad tiled SGEMM";
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
    gemmBatched(
        s, transA, transB, m, n, k, alpha, a, offsetA, 0, b, offsetB, 0, beta, c, offsetC, 0, 1);
  }

  /** One launch for the whole batch (a single product is a batch of one): grid z walks it. */
  @Override
  public void gemmBatched(
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
    boolean single = a.dtype() == org.sparkgrad.tensor.DType.FLOAT32;
    boolean batched = batch > 1;
    int tile;
    String kernel;
    if (single) {
      // 128 x 128 tiles when there are enough of them to give every multiprocessor one; smaller
      // products get 64 x 64 tiles, four times as many blocks. A batch of small products (a
      // convolution's per-image matrices) has enough tiles in all, but each would be mostly
      // padding: those take 64 x 64 tiles too.
      long bigTiles = (long) ceilDiv(m, 128) * ceilDiv(n, 128) * batch;
      boolean big = bigTiles >= s.device().multiprocessors() && (!batched || Math.min(m, n) >= 128);
      tile = big ? 128 : 64;
      kernel = tile == 128 ? "sgemm_128x128" : "sgemm_64x64";
    } else {
      tile = 16;
      kernel = "dgemm_16x16";
    }
    Launch l =
        Launch.of(s, batched ? kernel + "_batched" : kernel)
            .i32(transA ? 1 : 0)
            .i32(transB ? 1 : 0)
            .i32(m)
            .i32(n)
            .i32(k);
    if (single) {
      l.f32((float) alpha).in(a).i32(offsetA).in(b).i32(offsetB).f32((float) beta);
    } else {
      l.f64(alpha).in(a).i32(offsetA).in(b).i32(offsetB).f64(beta);
    }
    l.out(c).i32(offsetC);
    if (batched) {
      l.i32(batch).i64(strideA).i64(strideB).i64(strideC);
    }
    int gridX = Math.min(ceilDiv(n, tile), MAX_GRID);
    int gridY = Math.min(ceilDiv(m, tile), MAX_GRID);
    int gridZ = Math.min(batch, MAX_GRID);
    if (single) {
      l.run(gridX, gridY, gridZ, THREADS, 1, 0);
    } else {
      l.run(gridX, gridY, gridZ, 16, 16, 0);
    }
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
