package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.optim.Adam;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.optim.SGD;
import org.sparkgrad.tensor.Tensor;

/**
 * End-to-end parity with PyTorch 1.13 (golden/train/gen_train.py): the same initial weights, data,
 * minibatch order and hyper-parameters give the same loss at every one of 50 training steps, within
 * 1e-4 relative, for an MLP and a small CNN, with SGD-with-momentum and with Adam.
 */
class TrainingParityTest {
  private static final TrainGolden G = TrainGolden.load();
  private static final double RTOL = 1e-4;

  static List<TrainGolden.Run> runs() {
    return G.runs();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  void everyStepLossMatchesPyTorch(TrainGolden.Run run) {
    String m = run.get("model");
    Module model = model(m);
    assertThat(new ArrayList<>(model.stateDict().keySet()))
        .as("state-dict keys of %s", m)
        .containsExactlyElementsOf(G.withPrefix(m + ".init.").keySet());
    model.loadStateDict(G.withPrefix(m + ".init."));
    model.train();
    Optimizer opt = optimizer(run, model);
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    Tensor x = G.get(m + ".x");
    Tensor y = G.get(m + ".y");
    Tensor order = G.get(m + ".order");
    double[] expected = G.get(run.name() + ".loss").toDoubleArray();
    int steps = Integer.parseInt(run.get("steps"));
    assertThat(expected).hasSize(steps);
    assertThat(order.size(0)).isEqualTo(steps);

    double worst = 0;
    for (int s = 0; s < steps; s++) {
      Tensor idx = order.narrow(0, s, 1).reshape(-1);
      opt.zeroGrad();
      Tensor loss = lossFn.forward(model.forward(x.indexSelect(0, idx)), y.indexSelect(0, idx));
      loss.backward();
      opt.step();
      double got = loss.item();
      double rel = Math.abs(got - expected[s]) / Math.abs(expected[s]);
      worst = Math.max(worst, rel);
      if (!(rel <= RTOL)) {
        throw new AssertionError(
            String.format(
                Locale.ROOT,
                "%s step %d: loss %.9g, PyTorch %.9g (relative difference %.3g > %.0e)",
                run.name(),
                s,
                got,
                expected[s],
                rel,
                RTOL));
      }
    }
    // The run must have trained (not a constant loss that trivially matches a constant golden).
    assertThat(expected[steps - 1]).isLessThan(expected[0] * 0.9);
    System.out.printf(
        Locale.ROOT, "%s: %d steps, worst relative loss difference %.2e%n", run, steps, worst);
  }

  /** The architectures of gen_train.py; the weights are replaced by the golden initial ones. */
  private static Module model(String name) {
    return switch (name) {
      case "mlp" ->
          new Sequential(
              new Linear(20, 32, 1L),
              new ReLU(),
              new Dropout(0.0),
              new Linear(32, 16, 2L),
              new ReLU(),
              new Linear(16, 4, 3L));
      case "cnn" ->
          new Sequential(
              new Conv2d(1, 4, 3, 1, 1, true, 4L),
              new ReLU(),
              new MaxPool2d(2),
              new Flatten(),
              new Linear(4 * 4 * 4, 3, 5L));
      default -> throw new IllegalArgumentException("unknown golden model " + name);
    };
  }

  private static Optimizer optimizer(TrainGolden.Run run, Module model) {
    return switch (run.get("optimizer")) {
      case "sgd" ->
          new SGD(
              model.parameters(),
              new SGD.Options().lr(run.number("lr")).momentum(run.number("momentum")));
      case "adam" -> new Adam(model.parameters(), new Adam.Options().lr(run.number("lr")));
      default -> throw new IllegalArgumentException("unknown optimizer in " + run);
    };
  }
}
