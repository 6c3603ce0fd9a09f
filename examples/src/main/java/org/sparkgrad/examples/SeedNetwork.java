package org.sparkgrad.examples;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * The walk-through's network: 50 inputs, two hidden layers of 30 and 20 ReLU units, 3 outputs.
 * Prints the architecture as PyTorch does, the parameters layer by layer, and their count: {@code
 * 50*30+30 + 30*20+20 + 20*3+3 = 1530 + 620 + 63 = 2213}.
 */
public final class SeedNetwork {
  /** Inputs per sample. */
  public static final int IN = 50;

  /** Output classes. */
  public static final int CLASSES = 3;

  private SeedNetwork() {}

  /** {@code Sequential(Linear(50, 30), ReLU(), Linear(30, 20), ReLU(), Linear(20, 3))}. */
  public static Sequential create(Generator gen) {
    return new Sequential(
        new Linear(IN, 30, gen),
        new ReLU(),
        new Linear(30, 20, gen),
        new ReLU(),
        new Linear(20, CLASSES, gen));
  }

  public static void main(String[] args) {
    run(System.out);
  }

  /** Builds the network, prints it to {@code out}, and returns it. */
  public static Sequential run(PrintStream out) {
    Sequential model = create(new Generator(42));
    out.println(model);
    for (Map.Entry<String, Tensor> p : model.namedParameters().entrySet()) {
      out.printf(
          Locale.ROOT,
          "%-9s %-9s %5d%n",
          p.getKey(),
          java.util.Arrays.toString(p.getValue().shape()),
          p.getValue().numel());
    }
    out.println("numParameters() = " + model.numParameters());
    try (NoGrad ignored = NoGrad.enter()) {
      Tensor x = Tensor.randn(new Generator(1), 4, IN);
      out.println("output of a batch of 4: " + model.forward(x));
    }
    return model;
  }
}
