package org.sparkgrad.bench;

import java.util.Locale;
import org.sparkgrad.backend.BackendUnavailableException;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.backend.cuda.CudaBackend;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * The same matrix product on the CPU and on the GPU for growing sizes, with the cost of copying the
 * operands to the GPU and the result back shown apart, and where the GPU starts to win: with the
 * copies (data that lives on the host) and without (data that stays on the device, as a model's
 * weights and activations do during training).
 *
 * <p>Run: {@code java -cp 'benchmarks/target/*:benchmarks/target/lib/*'
 * org.sparkgrad.bench.GpuMatmulDemo [maxSize]}; needs a CUDA device (prints why not otherwise).
 */
public final class GpuMatmulDemo {
  private GpuMatmulDemo() {}

  public static void main(String[] args) {
    int maxSize = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
    Device gpu = Device.cuda(0);
    CudaBackend cuda;
    try {
      cuda = (CudaBackend) Backends.of(gpu);
    } catch (BackendUnavailableException e) {
      System.out.println("no CUDA device: " + e.getMessage());
      return;
    }
    System.out.println("cpu: " + Backends.cpu().description());
    System.out.println("gpu: " + cuda.description());
    System.out.println("C = A @ B, square float32 matrices; times in ms, best of several runs");
    System.out.printf(
        Locale.ROOT,
        "%6s %10s %10s %10s %10s %10s %9s %9s%n",
        "n",
        "cpu",
        "to gpu",
        "gpu mm",
        "to host",
        "gpu total",
        "x compute",
        "x total");
    int winsCompute = -1;
    int winsTotal = -1;
    for (int n = 64; n <= maxSize; n *= 2) {
      Generator gen = new Generator(n);
      Tensor a = Tensor.randn(gen, n, n);
      Tensor b = Tensor.randn(gen, n, n);
      double cpuMs = best(n >= 2048 ? 2 : 5, () -> a.matmul(b));
      // Upload, product on the device, download: each timed on its own, the GPU waited for.
      double upMs =
          best(
              5,
              () -> {
                Tensor[] both = {a.to(gpu), b.to(gpu)};
                cuda.synchronize();
                return both;
              });
      Tensor ag = a.to(gpu);
      Tensor bg = b.to(gpu);
      ag.matmul(bg).storage().close(); // warm-up
      double mmMs =
          best(
              10,
              () -> {
                Tensor c = ag.matmul(bg);
                cuda.synchronize();
                return c;
              });
      Tensor cg = ag.matmul(bg);
      double downMs = best(5, cg::toFloatArray);
      checkClose(a.matmul(b), cg, n);
      double totalMs = upMs + mmMs + downMs;
      System.out.printf(
          Locale.ROOT,
          "%6d %10.3f %10.3f %10.3f %10.3f %10.3f %8.1fx %8.1fx%n",
          n,
          cpuMs,
          upMs,
          mmMs,
          downMs,
          totalMs,
          cpuMs / mmMs,
          cpuMs / totalMs);
      if (winsCompute < 0 && mmMs < cpuMs) {
        winsCompute = n;
      }
      if (winsTotal < 0 && totalMs < cpuMs) {
        winsTotal = n;
      }
    }
    System.out.println(
        winsCompute < 0
            ? "the GPU never beat the CPU up to n=" + maxSize
            : "the GPU starts to win at n=" + winsCompute + " when the data stays on the device");
    System.out.println(
        winsTotal < 0
            ? "counting the copies, the GPU never beat the CPU up to n=" + maxSize
            : "counting the copies to and from the device, it starts to win at n=" + winsTotal);
    System.out.println("gpu memory: " + cuda.memoryStats());
  }

  /** The best of {@code reps} timings of {@code work}, in milliseconds. */
  private static double best(int reps, java.util.function.Supplier<Object> work) {
    double best = Double.MAX_VALUE;
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      if (work.get() == null) {
        throw new IllegalStateException("no result");
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e6);
    }
    return best;
  }

  private static void checkClose(Tensor cpu, Tensor gpu, int n) {
    float[] c = cpu.toFloatArray();
    float[] g = gpu.toFloatArray();
    double worst = 0;
    for (int i = 0; i < c.length; i++) {
      worst = Math.max(worst, Math.abs(c[i] - g[i]) / (1 + Math.abs(c[i])));
    }
    if (worst > 1e-3 * Math.sqrt(n)) {
      throw new IllegalStateException(
          "GPU and CPU products differ at n=" + n + ": relative error " + worst);
    }
  }
}
