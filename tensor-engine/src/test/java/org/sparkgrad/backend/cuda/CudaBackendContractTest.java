package org.sparkgrad.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.Backend;
import org.sparkgrad.backend.BackendContractTest;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.backend.BinaryOp;
import org.sparkgrad.backend.ReduceOp;
import org.sparkgrad.backend.Storage;
import org.sparkgrad.backend.UnaryOp;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.DeviceScope;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * The backend contract on {@code cuda:0}, plus what only the GPU path has: sizes that cross the
 * kernels' tile and block boundaries (checked against the CPU backend), chunked transfers, the
 * caching allocator, work handed between threads' streams, and out-of-memory messages. Skipped,
 * with the reason, where no CUDA device is available.
 */
@Tag("gpu")
class CudaBackendContractTest extends BackendContractTest {
  private final Random random = new Random(11);

  /** Skips each test, with the reason, where there is no device (called before each test). */
  @Override
  protected Backend createBackend() {
    Assumptions.assumeTrue(CudaTestSupport.available(), CudaTestSupport::skipReason);
    return Backends.of(Device.cuda(0));
  }

  private CudaBackend cuda() {
    return (CudaBackend) backend;
  }

  private float[] randomFloats(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  @Test
  void isCudaZeroAndNamesItsGemm() {
    assertThat(backend.device()).isEqualTo(Device.cuda(0));
    assertThat(Backends.of(Device.cuda(0))).isSameAs(backend);
    assertThat(backend.description()).startsWith("cuda:0 (").contains("GEMM: ");
  }

  @Test
  void gemmBatchedMatchesTheCpuOnBothTileSizes() {
    Backend cpu = Backends.cpu();
    // 130 x 130 products take 128 x 128 tiles where there are enough of them, 20 x 30 ones 64 x 64.
    for (int[] s : new int[][] {{130, 130, 9, 4}, {20, 30, 17, 6}}) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      int batch = s[3];
      float[] a = randomFloats(batch * m * k);
      float[] b = randomFloats(batch * k * n);
      Storage cg = backend.allocate(DType.FLOAT32, batch * m * n);
      Storage cc = cpu.allocate(DType.FLOAT32, batch * m * n);
      backend.gemmBatched(
          false,
          true,
          m,
          n,
          k,
          1,
          backend.fromArray(a),
          0,
          m * k,
          backend.fromArray(b),
          0,
          k * n,
          0,
          cg,
          0,
          m * n,
          batch);
      cpu.gemmBatched(
          false,
          true,
          m,
          n,
          k,
          1,
          cpu.fromArray(a),
          0,
          m * k,
          cpu.fromArray(b),
          0,
          k * n,
          0,
          cc,
          0,
          m * n,
          batch);
      float[] want = (float[]) cpu.toArray(cc);
      float[] got = (float[]) backend.toArray(cg);
      for (int i = 0; i < want.length; i++) {
        assertThat(got[i])
            .as("%s, element %d", java.util.Arrays.toString(s), i)
            .isCloseTo(want[i], within(1e-4f * (1 + Math.abs(want[i]))));
      }
    }
  }

  @Test
  void gemmMatchesTheCpuAcrossTileSizes() {
    Backend cpu = Backends.cpu();
    // Sizes below, at and across the 64 and 128 tiles, odd k, and one big enough for 128 tiles.
    int[][] sizes = {
      {1, 1, 1},
      {63, 65, 7},
      {128, 128, 8},
      {129, 257, 33},
      {300, 200, 150},
      {1500, 1400, 70},
      // Narrow with a long K: split over K on the own kernels (TiledGemm.splitSlices), uneven last
      // slice included.
      {10, 7, 1000},
      {64, 10, 777}
    };
    for (int[] s : sizes) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      float[] a = randomFloats(m * k + 3);
      float[] b = randomFloats(k * n + 2);
      float[] c = randomFloats(m * n + 1);
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          Storage want = cpu.fromArray(c);
          cpu.gemm(ta, tb, m, n, k, 1.5, cpu.fromArray(a), 3, cpu.fromArray(b), 2, -0.5, want, 1);
          Storage got = backend.fromArray(c);
          backend.gemm(
              ta, tb, m, n, k, 1.5, backend.fromArray(a), 3, backend.fromArray(b), 2, -0.5, got, 1);
          float[] w = (float[]) cpu.toArray(want);
          float[] g = (float[]) backend.toArray(got);
          for (int i = 0; i < w.length; i++) {
            assertThat((double) g[i])
                .as("m=%d n=%d k=%d ta=%s tb=%s element %d", m, n, k, ta, tb, i)
                .isCloseTo(w[i], within(1e-4 * (1 + Math.abs(w[i])) * Math.sqrt(k)));
          }
        }
      }
    }
  }

  @Test
  void gemmWithBetaZeroIgnoresGarbageAndKZeroScales() {
    float[] nan = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
    Storage c = backend.fromArray(nan);
    backend.gemm(
        false,
        false,
        2,
        2,
        1,
        1,
        backend.fromArray(new float[] {1, 2}),
        0,
        backend.fromArray(new float[] {3, 4}),
        0,
        0,
        c,
        0);
    assertThat((float[]) backend.toArray(c)).containsExactly(3, 4, 6, 8);
    backend.gemm(
        false,
        false,
        2,
        2,
        0,
        1,
        backend.fromArray(new float[0]),
        0,
        backend.fromArray(new float[0]),
        0,
        2,
        c,
        0);
    assertThat((float[]) backend.toArray(c)).containsExactly(6, 8, 12, 16);
  }

  @Test
  void reductionsAndSoftmaxMatchTheCpuOnLargeShapes() {
    Backend cpu = Backends.cpu();
    int[][] shapes = {{1, 100_000, 1}, {37, 1000, 1}, {1, 1024, 1000}, {3, 50, 70}, {5, 3, 33}};
    for (int[] s : shapes) {
      float[] x = randomFloats(s[0] * s[1] * s[2]);
      x[x.length / 2] = 9;
      x[x.length / 3] = 9; // ties: argmax keeps the first
      for (ReduceOp op : ReduceOp.values()) {
        DType outType = op == ReduceOp.ARGMAX ? DType.INT64 : DType.FLOAT32;
        Storage want = cpu.allocate(outType, s[0] * s[2]);
        cpu.reduce(op, cpu.fromArray(x), s[0], s[1], s[2], want);
        Storage got = backend.allocate(outType, s[0] * s[2]);
        backend.reduce(op, backend.fromArray(x), s[0], s[1], s[2], got);
        if (op == ReduceOp.ARGMAX) {
          assertThat((long[]) backend.toArray(got))
              .as("argmax %s", java.util.Arrays.toString(s))
              .containsExactly((long[]) cpu.toArray(want));
        } else {
          float[] w = (float[]) cpu.toArray(want);
          float[] g = (float[]) backend.toArray(got);
          for (int i = 0; i < w.length; i++) {
            assertThat((double) g[i])
                .as("%s %s [%d]", op, java.util.Arrays.toString(s), i)
                .isCloseTo(w[i], within(1e-5 * (1 + Math.abs(w[i]))));
          }
        }
      }
      for (boolean log : new boolean[] {false, true}) {
        Storage want = cpu.allocate(DType.FLOAT32, x.length);
        cpu.softmax(cpu.fromArray(x), s[0], s[1], s[2], log, want);
        Storage got = backend.allocate(DType.FLOAT32, x.length);
        backend.softmax(backend.fromArray(x), s[0], s[1], s[2], log, got);
        float[] w = (float[]) cpu.toArray(want);
        float[] g = (float[]) backend.toArray(got);
        for (int i = 0; i < w.length; i++) {
          assertThat((double) g[i])
              .as("softmax log=%s %s [%d]", log, java.util.Arrays.toString(s), i)
              .isCloseTo(w[i], within(1e-6 * (1 + Math.abs(w[i]))));
        }
      }
    }
  }

  @Test
  void nanPropagatesThroughMinAndArgmaxAsOnTheCpu() {
    float[] x = {1, 5, Float.NaN, 7, Float.NaN, 0};
    Storage min = backend.allocate(DType.FLOAT32, 2);
    backend.reduce(ReduceOp.MIN, backend.fromArray(x), 2, 3, 1, min);
    assertThat((float[]) backend.toArray(min)).containsExactly(Float.NaN, Float.NaN);
    Storage arg = backend.allocate(DType.INT64, 2);
    backend.reduce(ReduceOp.ARGMAX, backend.fromArray(x), 2, 3, 1, arg);
    // The first NaN wins, as in the CPU's (and PyTorch's) scan.
    assertThat((long[]) backend.toArray(arg)).containsExactly(2, 1);
  }

  @Test
  void float64AndInt64Elementwise() {
    Storage d = backend.allocate(DType.FLOAT64, 3);
    backend.unary(UnaryOp.GELU, backend.fromArray(new double[] {-1, 0, 2}), d);
    double[] got = (double[]) backend.toArray(d);
    assertThat(got[0]).isCloseTo(UnaryOp.GELU.apply(-1), within(1e-15));
    assertThat(got[2]).isCloseTo(UnaryOp.GELU.apply(2), within(1e-15));
    Storage l = backend.allocate(DType.INT64, 4);
    backend.binary(
        BinaryOp.DIV,
        backend.fromArray(new long[] {7, -7, Long.MIN_VALUE, 1L << 60}),
        new int[] {1},
        backend.fromArray(new long[] {2, 2, -1, 3}),
        new int[] {1},
        l,
        new int[] {4});
    assertThat((long[]) backend.toArray(l))
        .containsExactly(3, -4, Long.MIN_VALUE, Math.floorDiv(1L << 60, 3));
    assertThatThrownBy(
            () ->
                backend.binary(
                    BinaryOp.DIV,
                    backend.fromArray(new long[] {1}),
                    new int[] {1},
                    backend.fromArray(new long[] {0}),
                    new int[] {1},
                    l,
                    new int[] {1}))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("integer division by zero");
  }

  @Test
  void kernelErrorsSurfaceAtTheNextSynchronisationFirstInLaunchOrder() {
    Storage src = backend.fromArray(new float[] {1, 2, 3});
    Storage out = backend.allocate(DType.FLOAT32, 1);
    Storage five = backend.fromArray(new long[] {5});
    Storage minusSeven = backend.fromArray(new long[] {-7});
    Storage two = backend.fromArray(new long[] {2});
    // Two bad gathers and a good one queue without waiting for the GPU (an upload in between would
    // synchronise, and throw there).
    backend.gather(src, 1, 3, 1, five, 1, out);
    backend.indexSelect(src, 1, 3, 1, minusSeven, 1, out);
    backend.gather(src, 1, 3, 1, two, 1, out);
    assertThatThrownBy(cuda()::synchronize)
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("gather: index 5 is out of bounds for dimension with size 3");
    // The records were cleared: the stream goes on, and the good gather's result is there.
    assertThat((float[]) backend.toArray(out)).containsExactly(3f);
    backend.gather(src, 1, 3, 1, backend.fromArray(new long[] {0}), 1, out);
    assertThat((float[]) backend.toArray(out)).containsExactly(1f);
  }

  @Test
  void aLaunchBeyondTheErrorRecordsChecksTheEarlierOnes() {
    Storage src = backend.fromArray(new float[] {1, 2});
    Storage out = backend.allocate(DType.FLOAT32, 1);
    Storage good = backend.fromArray(new long[] {1});
    backend.indexSelect(src, 1, 2, 1, backend.fromArray(new long[] {9}), 1, out);
    for (int i = 1; i < StreamContext.ERROR_SLOTS; i++) {
      backend.indexSelect(src, 1, 2, 1, good, 1, out);
    }
    assertThatThrownBy(() -> backend.indexSelect(src, 1, 2, 1, good, 1, out))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("indexSelect: index 9 is out of bounds for dimension with size 2");
    assertThat((float[]) backend.toArray(out)).containsExactly(2f);
  }

  @Test
  void aDeviceScopeReleasesWhatWasMadeInsideButTheKeptTensorsAndTheirGradients() {
    Device gpu = Device.cuda(0);
    Tensor w = Tensor.randn(new Generator(3), 64, 32).to(gpu).requiresGrad(true);
    Tensor x = Tensor.randn(new Generator(4), 16, 64).to(gpu);
    long before = cuda().memoryStats().allocatedBytes();
    Tensor inside;
    try (DeviceScope scope = DeviceScope.open(java.util.List.of(w))) {
      inside = x.matmul(w).relu();
      inside.sum().backward();
    }
    // What stays: the gradient of w (64 x 32 floats, a 8 KiB bucket), nothing else.
    assertThat(cuda().memoryStats().allocatedBytes() - before).isEqualTo(64 * 32 * 4);
    float[] grad = w.grad().toFloatArray();
    assertThat(grad).hasSize(64 * 32);
    assertThatThrownBy(inside::toFloatArray).isInstanceOf(IllegalStateException.class);
    // Later steps inside scopes are served from the cache: no driver allocation once steady.
    long driver = 0;
    for (int step = 0; step < 3; step++) {
      driver = cuda().memoryStats().driverAllocations();
      try (DeviceScope scope = DeviceScope.open(java.util.List.of(w))) {
        w.zeroGrad(false);
        x.matmul(w).relu().sum().backward();
      }
    }
    assertThat(cuda().memoryStats().driverAllocations()).isEqualTo(driver);
    assertThat(w.grad().toFloatArray()).containsExactly(grad);
  }

  @Test
  void transfersLargerThanTheStagingBufferRoundTrip() {
    int n = (int) (PinnedStaging.CHUNK_MAX / Float.BYTES) * 2 + 12345;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = i * 0.5f;
    }
    assertThat((float[]) backend.toArray(backend.fromArray(x))).isEqualTo(x);
  }

  @Test
  void uploadsThatReuseOneHostArrayEachKeepTheirOwnData() {
    // Uploads return before the GPU has copied their data (on the emulated driver, copies to the
    // device wait until something could observe them), alternating two pinned buffers: each of
    // these must still hold the array's contents at its own call, not the next one's.
    int n = (int) (PinnedStaging.CHUNK_MAX / Float.BYTES) + 777;
    float[] host = new float[n];
    Storage[] uploaded = new Storage[5];
    for (int u = 0; u < uploaded.length; u++) {
      java.util.Arrays.fill(host, u + 1);
      host[n - 1] = -u;
      uploaded[u] = backend.fromArray(host);
    }
    for (int u = 0; u < uploaded.length; u++) {
      float[] back = (float[]) backend.toArray(uploaded[u]);
      assertThat(back[0]).as("upload %d, first chunk", u).isEqualTo(u + 1);
      assertThat(back[n - 2]).as("upload %d, second chunk", u).isEqualTo(u + 1);
      assertThat(back[n - 1]).as("upload %d, last element", u).isEqualTo(-u);
    }
  }

  @Test
  void closeReturnsMemoryToTheCacheAndUseAfterCloseIsAnError() throws InterruptedException {
    // Earlier tests' unreachable storages go back first: a collection during this test would
    // otherwise return them (through their Cleaners) between the readings below.
    settleCleaners();
    CudaMemoryStats before = cuda().memoryStats();
    Storage s = backend.allocate(DType.FLOAT32, 1 << 20);
    CudaMemoryStats during = cuda().memoryStats();
    assertThat(during.allocatedBytes() - before.allocatedBytes()).isEqualTo(4L << 20);
    assertThat(during.peakAllocatedBytes()).isGreaterThanOrEqualTo(during.allocatedBytes());
    s.close();
    s.close(); // idempotent
    CudaMemoryStats after = cuda().memoryStats();
    assertThat(after.allocatedBytes()).isEqualTo(before.allocatedBytes());
    assertThat(after.cachedBytes()).isGreaterThanOrEqualTo(4L << 20);
    assertThatThrownBy(() -> backend.toArray(s))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("was closed");
    // The next allocation of that size is served from the cache.
    long hits = after.cacheHits();
    backend.allocate(DType.FLOAT32, 1 << 20).close();
    assertThat(cuda().memoryStats().cacheHits()).isEqualTo(hits + 1);
    cuda().emptyCache();
    assertThat(cuda().memoryStats().cachedBytes()).isZero();
  }

  /** Collects until the allocated bytes stop falling (at most about 2 s). */
  private void settleCleaners() throws InterruptedException {
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 40; i++) {
      System.gc();
      Thread.sleep(50);
      long now = cuda().memoryStats().allocatedBytes();
      if (now == last) {
        return;
      }
      last = now;
    }
  }

  @Test
  void workWrittenOnOneThreadIsSeenByAnother() throws Exception {
    // Thread A writes on its stream without waiting; thread B reads on its own stream.
    int n = 1 << 22;
    Storage[] shared = new Storage[1];
    Thread a =
        new Thread(
            () -> {
              Storage s = backend.allocate(DType.FLOAT32, n);
              for (int i = 0; i < 20; i++) {
                backend.binary(
                    BinaryOp.ADD,
                    s,
                    new int[] {1},
                    backend.fromArray(new float[] {1}),
                    new int[] {0},
                    s,
                    new int[] {n});
              }
              shared[0] = s;
            });
    a.start();
    a.join();
    float[][] seen = new float[1][];
    Thread b = new Thread(() -> seen[0] = (float[]) backend.toArray(shared[0]));
    b.start();
    b.join();
    assertThat(seen[0][0]).isEqualTo(20f);
    assertThat(seen[0][n - 1]).isEqualTo(20f);
  }

  @Test
  void runningOutOfMemorySaysHowMuchWasAskedAndIsFree() {
    java.util.List<Storage> held = new java.util.ArrayList<>();
    try {
      assertThatThrownBy(
              () -> {
                for (int i = 0; i < 64; i++) {
                  held.add(backend.allocate(DType.FLOAT64, 1 << 30)); // 8 GiB each
                }
              })
          .isInstanceOf(CudaOutOfMemoryException.class)
          .hasMessageContaining("CUDA out of memory on cuda:0")
          .hasMessageContaining("tried to allocate 8.00 GiB (8589934592 bytes)")
          .hasMessageContaining(" free of ");
    } finally {
      held.forEach(Storage::close);
      cuda().emptyCache();
    }
  }

  @Test
  void storagesFromAnotherDeviceAreRejected() {
    Storage cpuStorage = Backends.cpu().fromArray(new float[] {1});
    assertThatThrownBy(() -> backend.toArray(cpuStorage))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the CUDA backend for cuda:0 was given a storage on cpu");
    assertThatThrownBy(
            () ->
                backend.copy(
                    backend.fromArray(new float[] {1, 2}),
                    1,
                    new int[] {1},
                    backend.allocate(DType.FLOAT32, 2),
                    0,
                    new int[] {1},
                    new int[] {2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("copy source reaches elements 1 to 2 of a storage of 2 elements");
  }
}
