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
    boolean single = a.dtype() == org.sparkgrad.tensor.DType.FLOAT32;
    int tile;
    String kernel;
    if (single) {
      // 128 x 128 tiles when there are enough of them to give every multiprocessor one; smaller
      // products get 64 x 64 tiles, four times as many blocks.
      long bigTiles = (long) ceilDiv(m, 128) * ceilDiv(n, 128);
      tile = bigTiles >= s.device().multiprocessors() ? 128 : 64;
      kernel = tile == 128 ? "sgemm_128x128" : "sgemm_64x64";
    } else {
      tile = 16;
      kernel = "dgemm_16x16";
    }
    Launch l = Launch.of(s, kernel).i32(transA ? 1 : 0).i32(transB ? 1 : 0).i32(m).i32(n).i32(k);
    if (single) {
      l.f32((float) alpha).in(a).i32(offsetA).in(b).i32(offsetB).f32((float) beta);
    } else {
      l.f64(alpha).in(a).i32(offsetA).in(b).i32(offsetB).f64(beta);
    }
    l.out(c).i32(offsetC);
    int gridX = Math.min(ceilDiv(n, tile), MAX_GRID);
    int gridY = Math.min(ceilDiv(m, tile), MAX_GRID);
    if (single) {
      l.run(gridX, gridY, THREADS, 1);
    } else {
      l.run(gridX, gridY, 16, 16);
    }
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
