package org.sparkgrad.bench;

import java.lang.management.ManagementFactory;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.optim.Adam;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.tensor.DeviceScope;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * Bytes the JVM allocates per training step of the MLP 784-256-128-10 at batch 128 with Adam
 * (forward, loss, backward, step), with {@code zeroGrad(setToNone)} true and false, and with false
 * and forward and backward in a recycling {@link DeviceScope} (as the trainer runs it). Unlike a
 * timing, the count does not depend on the machine's load, so it compares engine versions on a busy
 * machine. Run: {@code java -cp 'benchmarks/target/*:benchmarks/target/lib/*'
 * org.sparkgrad.bench.StepAllocationProbe}.
 */
public final class StepAllocationProbe {
  private StepAllocationProbe() {}

  /** Prints bytes per step for both ways of zeroing gradients, and in a recycling scope. */
  public static void main(String[] args) {
    for (boolean setToNone : new boolean[] {true, false}) {
      System.out.printf(
          "zeroGrad(setToNone=%s): %.0f KB allocated per step%n",
          setToNone, bytesPerStep(setToNone, false) / 1024.0);
    }
    System.out.printf(
        "zeroGrad(setToNone=false), recycling DeviceScope: %.0f KB allocated per step%n",
        bytesPerStep(false, true) / 1024.0);
  }

  private static double bytesPerStep(boolean setToNone, boolean recycle) {
    Generator g = new Generator(1);
    Sequential net =
        new Sequential(
            new Linear(784, 256, g),
            new ReLU(),
            new Linear(256, 128, g),
            new ReLU(),
            new Linear(128, 10, g));
    Optimizer opt = new Adam(net.parameters(), 1e-3);
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    Tensor x = Tensor.randn(g, 128, 784);
    long[] labels = new long[128];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 10;
    }
    Tensor y = Tensor.ofLongs(labels, 128);
    com.sun.management.ThreadMXBean bean =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    int warm = 20;
    int steps = 100;
    long start = 0;
    for (int i = 0; i < warm + steps; i++) {
      if (i == warm) {
        start = bean.getThreadAllocatedBytes(id);
      }
      opt.zeroGrad(setToNone);
      try (DeviceScope scope = recycle ? DeviceScope.openRecycling(net.parameters()) : null) {
        lossFn.forward(net.forward(x), y).backward();
      }
      opt.step();
    }
    return (bean.getThreadAllocatedBytes(id) - start) / (double) steps;
  }
}
