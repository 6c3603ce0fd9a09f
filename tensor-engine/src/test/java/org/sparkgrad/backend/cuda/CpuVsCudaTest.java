package org.sparkgrad.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.Conv2d;
import org.sparkgrad.nn.Flatten;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.MaxPool2d;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.nn.loss.Reduction;
import org.sparkgrad.optim.Adam;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.optim.SGD;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * The same 100 training steps on the CPU and on {@code cuda:0} give the same losses and weights
 * within 1e-3 relative: an MLP with SGD + momentum, and a small CNN (conv, ReLU, max pool, linear)
 * with Adam. Skipped, with the reason, where no CUDA device is available.
 */
@Tag("gpu")
class CpuVsCudaTest {
  private static final int STEPS = 100;
  private static final double TOLERANCE = 1e-3;

  @BeforeEach
  void requireDevice() {
    Assumptions.assumeTrue(CudaTestSupport.available(), CudaTestSupport::skipReason);
  }

  /** The losses of each step and the final parameters of one run. */
  private record Run(List<Double> losses, List<float[]> weights) {}

  private static Run train(
      Supplier<Module> model,
      Tensor x,
      Tensor y,
      Device device,
      java.util.function.Function<List<Tensor>, Optimizer> optimizer) {
    Module m = model.get().to(device);
    Optimizer opt = optimizer.apply(m.parameters());
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    Tensor xd = x.to(device);
    Tensor yd = y.to(device);
    int batch = 16;
    int n = x.size(0);
    List<Double> losses = new ArrayList<>();
    for (int step = 0; step < STEPS; step++) {
      int start = (step * batch) % n;
      Tensor xb = xd.narrow(0, start, batch);
      Tensor yb = yd.narrow(0, start, batch);
      opt.zeroGrad();
      Tensor loss = lossFn.forward(m.forward(xb), yb);
      loss.backward();
      opt.step();
      losses.add(loss.item());
    }
    List<float[]> weights = new ArrayList<>();
    for (Tensor p : m.parameters()) {
      assertThat(p.device()).isEqualTo(device);
      weights.add(p.toFloatArray());
    }
    return new Run(losses, weights);
  }

  private static void assertSameRun(Run cpu, Run gpu) {
    for (int s = 0; s < STEPS; s++) {
      double c = cpu.losses().get(s);
      assertThat(gpu.losses().get(s))
          .as("loss at step %d", s)
          .isCloseTo(c, within(TOLERANCE * Math.abs(c)));
    }
    // Training did something: the loss fell.
    assertThat(cpu.losses().get(STEPS - 1)).isLessThan(cpu.losses().get(0));
    for (int p = 0; p < cpu.weights().size(); p++) {
      float[] c = cpu.weights().get(p);
      float[] g = gpu.weights().get(p);
      double scale = 0;
      double diff = 0;
      for (int i = 0; i < c.length; i++) {
        scale = Math.max(scale, Math.abs(c[i]));
        diff = Math.max(diff, Math.abs(c[i] - g[i]));
      }
      assertThat(diff / scale)
          .as("parameter %d: max |gpu - cpu| / max |cpu|", p)
          .isLessThanOrEqualTo(TOLERANCE);
    }
  }

  /** Loss and input gradient of cross-entropy over class targets on {@code device}. */
  private static float[][] crossEntropy(
      Tensor scores, long[] targets, CrossEntropyLoss lossFn, Device device) {
    Tensor x = scores.detach().to(device).requiresGrad(true);
    Tensor loss = lossFn.forward(x, Tensor.ofLongs(targets).to(device));
    loss.backward();
    return new float[][] {loss.toFloatArray(), x.grad().toFloatArray()};
  }

  @Test
  void classTargetsOnTheGpuIgnoreRowsAsOnTheCpuAndReportBadOnesWhenRead() {
    Tensor scores = Tensor.randn(new Generator(5), 6, 4);
    long[] targets = {0, 3, -100, 2, -100, 1};
    Tensor weight = Tensor.of(new double[] {0.5, 1, 2, 1.5}).to(scores.dtype());
    Map<CrossEntropyLoss, long[]> cases =
        Map.of(
            new CrossEntropyLoss(),
            targets,
            new CrossEntropyLoss(weight, -100, Reduction.MEAN, 0.1),
            targets,
            new CrossEntropyLoss(null, 2, Reduction.SUM, 0),
            new long[] {0, 3, 2, 2, 1, 2});
    for (Map.Entry<CrossEntropyLoss, long[]> c : cases.entrySet()) {
      float[][] cpu = crossEntropy(scores, c.getValue(), c.getKey(), Device.CPU);
      float[][] gpu = crossEntropy(scores, c.getValue(), c.getKey(), Device.cuda(0));
      assertThat(gpu[0][0]).isCloseTo(cpu[0][0], within(1e-5f * Math.abs(cpu[0][0])));
      for (int i = 0; i < cpu[1].length; i++) {
        assertThat(gpu[1][i]).as("d loss / d score %d", i).isCloseTo(cpu[1][i], within(1e-6f));
      }
    }
    // Rows 2 and 4 ignored: their scores get no gradient on the GPU either.
    float[] grad = crossEntropy(scores, targets, new CrossEntropyLoss(), Device.cuda(0))[1];
    for (int c = 0; c < 4; c++) {
      assertThat(grad[2 * 4 + c]).isZero();
      assertThat(grad[4 * 4 + c]).isZero();
    }
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    Tensor bad = Tensor.ofLongs(new long[] {0, 1, 4, 2, 3, 1}).to(Device.cuda(0));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> lossFn.forward(scores.to(Device.cuda(0)), bad).item())
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("index 4 is out of bounds for dimension with size 4");
  }

  @Test
  void mlpWithSgdMomentum() {
    Generator data = new Generator(3);
    Tensor x = Tensor.randn(data, 64, 20);
    long[] labels = new long[64];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = data.nextInt(5);
    }
    Tensor y = Tensor.ofLongs(labels);
    Supplier<Module> model =
        () -> {
          Generator g = new Generator(42);
          return new Sequential(
              new Linear(20, 64, g),
              new ReLU(),
              new Linear(64, 64, g),
              new ReLU(),
              new Linear(64, 5, g));
        };
    java.util.function.Function<List<Tensor>, Optimizer> sgd =
        p -> new SGD(p, new SGD.Options().lr(0.05).momentum(0.9));
    assertSameRun(train(model, x, y, Device.CPU, sgd), train(model, x, y, Device.cuda(0), sgd));
  }

  @Test
  void smallCnnWithAdam() {
    Generator data = new Generator(5);
    Tensor x = Tensor.randn(data, 64, 1, 8, 8);
    long[] labels = new long[64];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = data.nextInt(3);
    }
    Tensor y = Tensor.ofLongs(labels);
    Supplier<Module> model =
        () -> {
          Generator g = new Generator(7);
          return new Sequential(
              new Conv2d(1, 4, 3, g),
              new ReLU(),
              new MaxPool2d(2),
              new Flatten(),
              new Linear(4 * 3 * 3, 3, g));
        };
    java.util.function.Function<List<Tensor>, Optimizer> adam = p -> new Adam(p, 0.01);
    assertSameRun(train(model, x, y, Device.CPU, adam), train(model, x, y, Device.cuda(0), adam));
  }
}
