package org.sparkgrad.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sparkgrad.backend.Storage;
import org.sparkgrad.backend.cuda.CudaBackend;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.optim.SGD;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.DeviceScope;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * Where the GPU time of {@link GpuTrainingBenchmark}'s MLP step (784-1024-1024-10 at batch 1024,
 * SGD with momentum) goes: each matrix product of the step in the orientation the layers use, the
 * elementwise and reduction ops at the step's shapes, and the forward pass, forward and backward,
 * optimizer update and whole step; each the mean over repetitions between synchronisations.
 *
 * <p>Run: {@code java -cp ... org.sparkgrad.bench.GpuStepBreakdown [--reps 50]}; needs a CUDA
 * device.
 */
public final class GpuStepBreakdown {
  private GpuStepBreakdown() {}

  private static final int BATCH = 1024;

  public static void main(String[] args) {
    int reps = args.length > 1 && args[0].equals("--reps") ? Integer.parseInt(args[1]) : 50;
    Device gpu = Device.cuda(0);
    CudaBackend cuda = CudaZero.orExit();
    System.out.println("gpu: " + cuda.description() + "; mean ms over " + reps + " repetitions");
    Generator gen = new Generator(1);
    gemm(cuda, "fwd x W^T 784->1024", false, true, BATCH, 1024, 784, reps);
    gemm(cuda, "fwd x W^T 1024->1024", false, true, BATCH, 1024, 1024, reps);
    gemm(cuda, "fwd x W^T 1024->10", false, true, BATCH, 10, 1024, reps);
    gemm(cuda, "dW g^T x 784->1024", true, false, 1024, 784, BATCH, reps);
    gemm(cuda, "dW g^T x 1024->1024", true, false, 1024, 1024, BATCH, reps);
    gemm(cuda, "dW g^T x 1024->10", true, false, 10, 1024, BATCH, reps);
    gemm(cuda, "dx g W 1024->1024", false, false, BATCH, 1024, 1024, reps);
    gemm(cuda, "dx g W 10->1024", false, false, BATCH, 1024, 10, reps);

    Tensor h = Tensor.randn(gen, BATCH, 1024).to(gpu);
    Tensor logits = Tensor.randn(gen, BATCH, 10).to(gpu);
    Tensor bias = Tensor.randn(gen, 1024).to(gpu);
    for (List<Tensor> keep : Arrays.asList(null, List.<Tensor>of())) {
      String how = keep == null ? "" : ", in a scope";
      time(cuda, "relu [1024,1024]" + how, reps, keep, h::relu);
      time(cuda, "add bias [1024,1024]+[1024]" + how, reps, keep, () -> h.add(bias));
      time(cuda, "sum over the batch [1024,1024]->[1024]" + how, reps, keep, () -> h.sum(0, false));
      time(cuda, "mul [1024,1024]" + how, reps, keep, () -> h.mul(h));
      time(cuda, "logSoftmax [1024,10]" + how, reps, keep, () -> logits.logSoftmax(1));
    }

    Tensor x = Tensor.randn(gen, BATCH, 784).to(gpu);
    long[] labels = new long[BATCH];
    for (int i = 0; i < BATCH; i++) {
      labels[i] = gen.nextInt(10);
    }
    Tensor y = Tensor.ofLongs(labels).to(gpu);
    Module model = GpuTrainingBenchmark.mlp().to(gpu);
    Optimizer opt = new SGD(model.parameters(), new SGD.Options().lr(0.01).momentum(0.9));
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    time(
        cuda,
        "forward, no graph",
        reps,
        () -> {
          try (NoGrad ignored = NoGrad.enter()) {
            return model.forward(x);
          }
        });
    time(cuda, "forward + loss", reps, () -> lossFn.forward(model.forward(x), y));
    time(cuda, "forward + loss + backward", reps, () -> forwardBackward(model, opt, lossFn, x, y));
    time(
        cuda,
        "optimizer step",
        reps,
        () -> {
          opt.step();
          return x;
        });
    time(
        cuda,
        "whole step",
        reps,
        () -> {
          Tensor loss = forwardBackward(model, opt, lossFn, x, y);
          opt.step();
          return loss;
        });
    List<Tensor> params = model.parameters();
    time(
        cuda,
        "forward + loss + backward, in a scope",
        reps,
        params,
        () -> forwardBackward(model, opt, lossFn, x, y));
    time(
        cuda,
        "optimizer step, in a scope",
        reps,
        params,
        () -> {
          opt.step();
          return x;
        });
    System.out.println("gpu memory: " + cuda.memoryStats());
  }

  private static void gemm(
      CudaBackend cuda,
      String name,
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      int reps) {
    Storage a = cuda.allocate(DType.FLOAT32, m * k);
    Storage b = cuda.allocate(DType.FLOAT32, k * n);
    Storage c = cuda.allocate(DType.FLOAT32, m * n);
    double ms =
        time(
            cuda,
            String.format(Locale.ROOT, "gemm %-22s %5d x %5d x %5d", name, m, n, k),
            reps,
            () -> {
              cuda.gemm(transA, transB, m, n, k, 1, a, 0, b, 0, 0, c, 0);
              return c;
            });
    System.out.printf(Locale.ROOT, "%50s %8.2f TFLOP/s%n", "", 2.0 * m * n * k / (ms / 1e3) / 1e12);
    a.close();
    b.close();
    c.close();
  }

  private static double time(
      CudaBackend cuda, String name, int reps, java.util.function.Supplier<Object> work) {
    return time(cuda, name, reps, null, work);
  }

  /** As above, each repetition in a {@link DeviceScope} keeping {@code keep} (null: no scope). */
  private static double time(
      CudaBackend cuda,
      String name,
      int reps,
      List<Tensor> keep,
      java.util.function.Supplier<Object> work) {
    for (int i = 0; i < 5; i++) {
      run(work, keep);
    }
    cuda.synchronize();
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      run(work, keep);
    }
    cuda.synchronize();
    double ms = (System.nanoTime() - t0) / 1e6 / reps;
    System.out.printf(Locale.ROOT, "%-50s %8.3f ms%n", name, ms);
    return ms;
  }

  private static void run(java.util.function.Supplier<Object> work, List<Tensor> keep) {
    if (keep == null) {
      if (work.get() == null) {
        throw new IllegalStateException("no result");
      }
      return;
    }
    try (DeviceScope scope = DeviceScope.open(keep)) {
      if (work.get() == null) {
        throw new IllegalStateException("no result");
      }
    }
  }

  /** Zeroes the gradients, runs forward, the loss and backward; returns the loss. */
  private static Tensor forwardBackward(
      Module model, Optimizer opt, CrossEntropyLoss lossFn, Tensor x, Tensor y) {
    opt.zeroGrad();
    Tensor loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    return loss;
  }
}
