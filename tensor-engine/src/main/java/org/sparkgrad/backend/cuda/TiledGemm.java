package org.sparkgrad.backend.cuda;

/**
 * The project's GEMM kernels ({@code gemm.cu}): SGEMM with shared-memory tiles and 8 x 8 (or 4 x 4)
 * register micro-tiles per thread, and a plain 16 x 16 tiled DGEMM for float64 gradient checks.
 * Transposes are flags the kernels read through, never copies.
 *
 * <p>A single float32 product with too few output tiles for the GPU and a long K is split over K
 * ({@link #splitSlices}): partial products of K slices into a workspace, then a reduction kernel.
 */
final class TiledGemm implements CudaGemm {
  private static final int THREADS = 256;
  private static final int MAX_GRID = 65535;

  /**
   * {@code -Dsparkgrad.cuda.splitK=false} turns split-K off: the "before" of a same-run speed
   * comparison.
   */
  static final boolean SPLIT_K =
      Boolean.parseBoolean(System.getProperty("sparkgrad.cuda.splitK", "true"));

  /** The shortest K slice worth a block of its own. */
  static final int MIN_SLICE_K = 128;

  /** The most slices one product is split into. */
  static final int MAX_SLICES = 16;

  /**
   * Into how many K slices the split-K kernel cuts a single float32 {@code m x n x k} product on a
   * GPU with {@code multiprocessors} SMs; 1 means no split. The rule: split only when the product's
   * 64 x 64 output tiles are fewer than the multiprocessors (most of the GPU would idle), into
   * enough slices for about two blocks per multiprocessor, but no slice shorter than {@value
   * #MIN_SLICE_K} and no more than {@value #MAX_SLICES} slices (the workspace and the reduction
   * grow with the slice count). A 256 x 10 x 784 product on an H100 (132 SMs, 4 tiles) gets 6.
   */
  static int splitSlices(int m, int n, int k, int multiprocessors) {
    long tiles = (long) ceilDiv(m, 64) * ceilDiv(n, 64);
    if (tiles >= multiprocessors) {
      return 1;
    }
    long wanted = ceilDiv((int) Math.min(Integer.MAX_VALUE, 2L * multiprocessors), (int) tiles);
    long slices = Math.min(Math.min(wanted, k / MIN_SLICE_K), MAX_SLICES);
    return (int) Math.max(1, slices);
  }

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
    if (single && !batched && SPLIT_K) {
      int slices = splitSlices(m, n, k, s.device().multiprocessors());
      if (slices > 1) {
        splitK(s, transA, transB, m, n, k, alpha, a, offsetA, b, offsetB, beta, c, offsetC, slices);
        return;
      }
    }
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

  /** One product as {@code slices} K slices into a workspace, then their sum into C. */
  @SuppressWarnings("TooManyParameters") // the BLAS signature and the slice count
  private static void splitK(
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
      int offsetC,
      int slices) {
    // Slices a multiple of the kernels' K step long; the last may be shorter, none is empty.
    int kChunk = ceilDiv(ceilDiv(k, slices), 8) * 8;
    int used = ceilDiv(k, kChunk);
    int size = m * n;
    CudaDevice device = s.device();
    long bytes = (long) used * size * Float.BYTES;
    try (CudaStorage work =
        new CudaStorage(
            device,
            org.sparkgrad.tensor.DType.FLOAT32,
            Math.multiplyExact(used, size),
            device.allocator().allocate(bytes))) {
      Launch.of(s, "sgemm_64x64_splitk")
          .i32(transA ? 1 : 0)
          .i32(transB ? 1 : 0)
          .i32(m)
          .i32(n)
          .i32(k)
          .in(a)
          .i32(offsetA)
          .in(b)
          .i32(offsetB)
          .out(work)
          .i32(kChunk)
          .i32(used)
          .run(ceilDiv(n, 64), ceilDiv(m, 64), used, THREADS, 1, 0);
      Launch r = Launch.of(s, "sgemm_splitk_reduce").i32(size).i32(used).in(work);
      r.f32((float) alpha).f32((float) beta).out(c).i32(offsetC).over(size);
    }
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
