package org.sparkgrad.bench;

import java.util.Locale;
import org.sparkgrad.backend.Backend;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * Matrix-product throughput of the CPU backend, through the public tensor ops, as a fraction of
 * this core's measured practical peak ({@link PeakFlops}).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp
 * 'benchmarks/target/*:benchmarks/target/lib/*' org.sparkgrad.bench.MatmulBenchmark}. One BLAS
 * thread unless {@code -Dsparkgrad.blas.threads}.
 */
public final class MatmulBenchmark {
  private MatmulBenchmark() {}

  public static void main(String[] args) {
    System.out.println("backend: " + Backends.cpu().description());
    double peak = PeakFlops.measure();
    System.out.printf(
        Locale.ROOT,
        "practical peak (one core, %d-bit FMA chains): %.1f GFLOP/s%n%n",
        PeakFlops.bits(),
        peak);
    System.out.printf(
        Locale.ROOT, "%-28s %6s %6s %6s %10s %9s%n", "shape", "m", "n", "k", "GFLOP/s", "of peak");
    for (int s : new int[] {128, 512, 1024}) {
      report(String.format(Locale.ROOT, "square %d", s), s, s, s, false, false, peak);
    }
    // 784-256-128-10 MLP at batch 128: forward x @ W^T, backward dW = g^T @ x, dx = g @ W.
    int[][] layers = {{784, 256}, {256, 128}, {128, 10}};
    for (int[] l : layers) {
      int in = l[0];
      int out = l[1];
      report("fwd x@W^T  " + in + "->" + out, 128, out, in, false, true, peak);
      report("bwd g^T@x  " + in + "->" + out, out, in, 128, true, false, peak);
      report("bwd g@W    " + in + "->" + out, 128, in, out, false, false, peak);
    }
  }

  /** Times {@code op(A) @ op(B)} for an {@code m x k} by {@code k x n} product. */
  private static void report(
      String name, int m, int n, int k, boolean transA, boolean transB, double peak) {
    Generator gen = new Generator(1);
    Tensor a = transA ? Tensor.randn(gen, k, m) : Tensor.randn(gen, m, k);
    Tensor b = transB ? Tensor.randn(gen, n, k) : Tensor.randn(gen, k, n);
    Tensor c = Tensor.zeros(m, n);
    Backend cpu = Backends.cpu();
    double flop = 2.0 * m * n * k;
    double best = 0;
    // The backend's GEMM, as the ops call it: transposes are flags, never copies.
    for (int rep = 0; rep < 7; rep++) {
      int calls = (int) Math.max(3, 2e9 / flop);
      long t0 = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        cpu.gemm(transA, transB, m, n, k, 1, a.storage(), 0, b.storage(), 0, 0, c.storage(), 0);
      }
      double s = (System.nanoTime() - t0) / 1e9;
      if (rep >= 2) {
        best = Math.max(best, flop * calls / s / 1e9);
      }
    }
    System.out.printf(
        Locale.ROOT, "%-28s %6d %6d %6d %10.1f %8.0f%%%n", name, m, n, k, best, 100 * best / peak);
  }
}
