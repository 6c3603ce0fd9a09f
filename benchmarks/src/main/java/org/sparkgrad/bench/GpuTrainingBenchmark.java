package org.sparkgrad.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.sparkgrad.backend.Storage;
import org.sparkgrad.backend.cuda.CudaBackend;
import org.sparkgrad.nn.Conv2d;
import org.sparkgrad.nn.Flatten;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.MaxPool2d;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.optim.SGD;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.DeviceScope;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * Training throughput on {@code cuda:0} beside PyTorch on the same GPU, same models, batches and
 * optimizer (SGD, lr 0.01, momentum 0.9; cross-entropy): an MLP 784-1024-1024-10 at batch 1024 and
 * a small CNN (conv 16, pool, conv 32, pool, linear) on 28x28 images at batch 256; and the float32
 * GEMM's TFLOP/s at 4096 beside PyTorch's with TF32 off. Inputs live on the device for the whole
 * run, as a partition's data block does.
 *
 * <p>Run: {@code java -cp ... org.sparkgrad.bench.GpuTrainingBenchmark [--steps 100] [--warmup 50]
 * [--python python3|none] [--gemm-size 4096]}. With {@code -Dsparkgrad.cuda.gemm=own} the GEMM is
 * the project's own kernel even where cuBLAS loads (on a CUDA 13 machine it is anyway). Goals
 * (issue 6): >= 0.5x PyTorch's MLP samples/s, own SGEMM >= 40% of PyTorch's.
 */
public final class GpuTrainingBenchmark {
  private GpuTrainingBenchmark() {}

  public static void main(String[] args) throws Exception {
    int steps = 100;
    int warmup = 50;
    String python = "python3";
    int gemmSize = 4096;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--steps" -> steps = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--python" -> python = args[++i];
        case "--gemm-size" -> gemmSize = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Device gpu = Device.cuda(0);
    CudaBackend cuda = CudaZero.orExit();
    System.out.println("sparkgrad: " + cuda.description() + ", " + Machine.describe());

    double mlp =
        throughput(
            "mlp", GpuTrainingBenchmark::mlp, new int[] {1024, 784}, cuda, gpu, steps, warmup);
    double cnn =
        throughput(
            "cnn", GpuTrainingBenchmark::cnn, new int[] {256, 1, 28, 28}, cuda, gpu, steps, warmup);
    double tflops = sgemmTflops(cuda, gemmSize);
    System.out.printf(Locale.ROOT, "sparkgrad SGEMM n=%d: %.2f TFLOP/s%n", gemmSize, tflops);
    System.out.println("sparkgrad gpu memory: " + cuda.memoryStats());

    Map<String, Double> torch = python.equals("none") ? Map.of() : torch(python, steps, warmup);
    System.out.println();
    System.out.println("== " + cuda.description() + " ==");
    System.out.printf(
        Locale.ROOT, "%-28s %14s %14s %8s %s%n", "", "sparkgrad", "pytorch", "ratio", "goal");
    row("MLP 784-1024-1024-10 b1024", mlp, torch.get("mlp"), "samples/s", ">= 0.5x");
    row("small CNN b256", cnn, torch.get("cnn"), "samples/s", "");
    row("SGEMM " + gemmSize + " (no TF32)", tflops, torch.get("sgemm"), "TFLOP/s", ">= 0.4x");
  }

  private static void row(String name, double ours, Double theirs, String unit, String goal) {
    System.out.printf(
        Locale.ROOT,
        "%-28s %14.1f %14s %8s %s (%s)%n",
        name,
        ours,
        theirs == null ? "-" : String.format(Locale.ROOT, "%.1f", theirs),
        theirs == null ? "-" : String.format(Locale.ROOT, "%.2fx", ours / theirs),
        goal,
        unit);
  }

  static Module mlp() {
    Generator g = new Generator(0);
    return new Sequential(
        new Linear(784, 1024, g),
        new ReLU(),
        new Linear(1024, 1024, g),
        new ReLU(),
        new Linear(1024, 10, g));
  }

  static Module cnn() {
    Generator g = new Generator(0);
    return new Sequential(
        new Conv2d(1, 16, 3, g),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(16, 32, 3, g),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(32 * 5 * 5, 10, g));
  }

  /** Samples per second of full training steps, the inputs already on the device. */
  private static double throughput(
      String name,
      Supplier<Module> factory,
      int[] inputShape,
      CudaBackend cuda,
      Device gpu,
      int steps,
      int warmup) {
    Generator gen = new Generator(1);
    int batch = inputShape[0];
    Tensor x = Tensor.randn(gen, inputShape).to(gpu);
    long[] labels = new long[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = gen.nextInt(10);
    }
    Tensor y = Tensor.ofLongs(labels).to(gpu);
    Module model = factory.get().to(gpu);
    Optimizer opt = new SGD(model.parameters(), new SGD.Options().lr(0.01).momentum(0.9));
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    for (int s = 0; s < warmup; s++) {
      step(model, opt, lossFn, x, y, s == 0);
    }
    cuda.synchronize();
    long t0 = System.nanoTime();
    Tensor loss = null;
    for (int s = 0; s < steps; s++) {
      loss = step(model, opt, lossFn, x, y, false);
    }
    cuda.synchronize();
    double seconds = (System.nanoTime() - t0) / 1e9;
    double rate = steps * (double) batch / seconds;
    System.out.printf(
        Locale.ROOT,
        "sparkgrad %s: %.1f samples/s (%.2f ms/step), final loss %.4f%n",
        name,
        rate,
        1e3 * seconds / steps,
        loss == null ? Double.NaN : loss.item());
    return rate;
  }

  /**
   * One training step, as PyTorch's: zero the gradients, forward, loss, backward, update; the
   * step's intermediates released at its end (the loss kept for the caller). The first step's
   * update runs outside the scope, since it creates the optimizer's state; later updates work in
   * place and their temporaries go back to the cache too.
   */
  private static Tensor step(
      Module model, Optimizer opt, CrossEntropyLoss lossFn, Tensor x, Tensor y, boolean first) {
    Tensor loss;
    try (DeviceScope scope = DeviceScope.open(model.parameters())) {
      opt.zeroGrad();
      loss = scope.keep(lossFn.forward(model.forward(x), y));
      loss.backward();
      if (!first) {
        opt.step();
      }
    }
    if (first) {
      opt.step();
    }
    return loss;
  }

  /** The backend's GEMM on device-resident n x n operands, in TFLOP/s. */
  private static double sgemmTflops(CudaBackend cuda, int n) {
    Generator gen = new Generator(2);
    Storage a = cuda.fromArray(Tensor.randn(gen, n, n).toFloatArray());
    Storage b = cuda.fromArray(Tensor.randn(gen, n, n).toFloatArray());
    Storage c = cuda.allocate(org.sparkgrad.tensor.DType.FLOAT32, n * n);
    for (int i = 0; i < 3; i++) {
      cuda.gemm(false, false, n, n, n, 1, a, 0, b, 0, 0, c, 0);
    }
    cuda.synchronize();
    int reps = 20;
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      cuda.gemm(false, false, n, n, n, 1, a, 0, b, 0, 0, c, 0);
    }
    cuda.synchronize();
    double seconds = (System.nanoTime() - t0) / 1e9;
    a.close();
    b.close();
    c.close();
    return 2.0 * n * n * n * reps / seconds / 1e12;
  }

  /** Runs the PyTorch peer script; its figures by key (mlp, cnn, sgemm), empty if it failed. */
  private static Map<String, Double> torch(String python, int steps, int warmup)
      throws IOException, InterruptedException {
    Path script = Files.createTempFile("sparkgrad-gpu-bench-", ".py");
    Map<String, Double> out = new HashMap<>();
    try {
      try (InputStream in =
          GpuTrainingBenchmark.class.getResourceAsStream("gpu_training_torch.py")) {
        if (in == null) {
          throw new IllegalStateException("resource gpu_training_torch.py missing from the jar");
        }
        Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      }
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  python,
                  script.toString(),
                  "--steps",
                  Integer.toString(steps),
                  "--warmup",
                  Integer.toString(warmup)));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          System.out.println("pytorch | " + line);
          Map<String, String> kv = fields(line);
          if (line.startsWith("THROUGHPUT ")) {
            out.put(kv.get("model"), Double.parseDouble(kv.get("samples_per_s")));
          } else if (line.startsWith("SGEMM ")) {
            out.put("sgemm", Double.parseDouble(kv.get("tflops")));
          }
        }
      }
      int rc = p.waitFor();
      if (rc != 0) {
        System.out.println("note: the PyTorch peer exited with status " + rc);
      }
    } catch (IOException e) {
      System.out.println("note: PyTorch peer not run: " + e.getMessage());
    } finally {
      Files.deleteIfExists(script);
    }
    return out;
  }

  private static Map<String, String> fields(String line) {
    Map<String, String> kv = new HashMap<>();
    for (String tok : line.split(" ", -1)) {
      int eq = tok.indexOf('=');
      if (eq > 0) {
        kv.put(tok.substring(0, eq), tok.substring(eq + 1));
      }
    }
    return kv;
  }
}
