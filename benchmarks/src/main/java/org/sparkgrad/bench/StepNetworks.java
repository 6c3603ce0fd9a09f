package org.sparkgrad.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.nn.Conv2d;
import org.sparkgrad.nn.Flatten;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.MaxPool2d;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.optim.Adam;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.tensor.DeviceScope;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * The Sparkgrad side of {@link StepBenchmark}, run in a fresh JVM per network and batch size: the
 * same networks as {@code step_torch.py}, the full training step (zeroGrad, forward,
 * CrossEntropyLoss, backward, Adam lr 1e-3) on the first {@value #BATCHES} batches of
 * Fashion-MNIST's training set in turn (or on as many batches of uniform random inputs and labels,
 * with {@code random} for the data folder), first cold (the JVM's first steps, no warm-up) and then
 * warm (best of reps). Prints the lines {@code step_torch.py} prints.
 *
 * <p>The step zeroes gradients in place ({@code zeroGrad(false)}, as PyTorch 1.13's default {@code
 * zero_grad()} does) and runs forward and backward in a recycling {@link DeviceScope}, as the
 * estimators' trainer does; an optional sixth argument {@code plain} runs the step without the
 * scope and with {@code zeroGrad()}, for comparing engine versions in one run.
 */
final class StepNetworks {
  private static final int BATCHES = 16;

  private StepNetworks() {}

  /**
   * {@code StepNetworks NET BATCH STEPS WARMUP_SECONDS REPS DATA [plain]}; DATA: a folder, or
   * random.
   */
  public static void main(String[] args) throws IOException {
    String net = args[0];
    int batch = Integer.parseInt(args[1]);
    int steps = Integer.parseInt(args[2]);
    double warmupSeconds = Double.parseDouble(args[3]);
    int reps = Integer.parseInt(args[4]);
    String data = args[5];
    boolean plain = args.length > 6 && args[6].equals("plain");
    Generator g = new Generator(0);
    Module model = network(net, g);
    int[] shape = net.equals("mlp") ? new int[] {batch, 784} : new int[] {batch, 1, 28, 28};
    Tensor[] xs = new Tensor[BATCHES];
    Tensor[] ys = new Tensor[BATCHES];
    FashionMnist fashion = data.equals("random") ? null : FashionMnist.load(Path.of(data));
    for (int i = 0; i < BATCHES; i++) {
      if (fashion == null) {
        xs[i] = Tensor.rand(g, shape);
        long[] labels = new long[batch];
        for (int j = 0; j < batch; j++) {
          labels[j] = g.nextInt(10);
        }
        ys[i] = Tensor.ofLongs(labels, batch);
      } else {
        xs[i] = fashion.trainX().narrow(0, i * batch, batch).reshape(shape);
        ys[i] = fashion.trainY().narrow(0, i * batch, batch);
      }
    }
    Optimizer opt = new Adam(model.parameters(), 1e-3);
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    List<Tensor> keep = new ArrayList<>(model.parameters());
    keep.addAll(model.buffers());
    int[] pos = {0};
    Runnable step =
        () -> {
          int i = pos[0]++ % BATCHES;
          if (plain) {
            opt.zeroGrad();
            lossFn.forward(model.forward(xs[i]), ys[i]).backward();
          } else {
            opt.zeroGrad(false);
            try (DeviceScope scope = DeviceScope.openRecycling(keep)) {
              lossFn.forward(model.forward(xs[i]), ys[i]).backward();
            }
          }
          opt.step();
        };
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    double[] cold = timed(step, steps, batch);
    System.out.printf(
        Locale.ROOT,
        "COLD samples_per_s=%.1f cpu_samples_per_s=%.1f steps=%d jvm_age_ms=%d%n",
        cold[0],
        cold[1],
        steps,
        System.currentTimeMillis() - jvmStart);
    // Warm means compiled: steps for a fixed time, so that the JIT has finished on a slow machine
    // too.
    for (long end = System.nanoTime() + (long) (warmupSeconds * 1e9); System.nanoTime() < end; ) {
      step.run();
    }
    double[] best = {0, 0};
    for (int r = 0; r < reps; r++) {
      double[] t = timed(step, steps, batch);
      best[0] = Math.max(best[0], t[0]);
      best[1] = Math.max(best[1], t[1]);
    }
    System.out.printf(
        Locale.ROOT,
        "WARM samples_per_s=%.1f cpu_samples_per_s=%.1f steps=%d reps=%d%n",
        best[0],
        best[1],
        steps,
        reps);
    System.out.println(
        "LIBS gemm="
            + Machine.mappedLibrary("openblas").map(Path::toString).orElse("(Java)")
            + " conv="
            + (net.equals("mlp") ? "none" : "sparkgrad conv2d over " + Backends.cpu().description())
            + " java="
            + System.getProperty("java.version"));
  }

  /**
   * Samples per second of wall time and of this process's CPU time (all its threads: JIT and GC
   * included), over {@code n} steps.
   */
  private static double[] timed(Runnable step, int n, int batch) {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long t0 = System.nanoTime();
    long c0 = os.getProcessCpuTime();
    run(step, n);
    double samples = (double) n * batch;
    return new double[] {
      samples / ((System.nanoTime() - t0) / 1e9), samples / ((os.getProcessCpuTime() - c0) / 1e9)
    };
  }

  private static void run(Runnable step, int n) {
    for (int i = 0; i < n; i++) {
      step.run();
    }
  }

  /** The networks of {@code step_torch.py}: the MLP, the small CNN and the wider CNN. */
  static Module network(String name, Generator g) {
    if (name.equals("mlp")) {
      return new Sequential(
          new Linear(784, 256, g),
          new ReLU(),
          new Linear(256, 128, g),
          new ReLU(),
          new Linear(128, 10, g));
    }
    int c1;
    int c2;
    if (name.equals("cnn")) {
      c1 = 16;
      c2 = 32;
    } else if (name.equals("wide")) {
      c1 = 32;
      c2 = 64;
    } else {
      throw new IllegalArgumentException("network must be mlp, cnn or wide, got " + name);
    }
    return new Sequential(
        new Conv2d(1, c1, 3, g),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(c1, c2, 3, g),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(c2 * 5 * 5, 10, g));
  }
}
