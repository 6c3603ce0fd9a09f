package org.sparkgrad.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.optim.Adam;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * One training step of the MLP 784-256-128-10 (ReLU) in the engine alone, no Spark: {@code
 * zeroGrad}, forward, {@code CrossEntropyLoss}, backward and an Adam step (lr 1e-3) on a minibatch
 * of random inputs in [0, 1) and labels in 0..9. The inputs are made once, so the batch gather that
 * a data loader does is not timed; the forward-only benchmark splits the step in two.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MlpStepJmh {
  /** Rows per minibatch. */
  @Param({"128"})
  public int batch;

  private Sequential model;
  private Adam adam;
  private CrossEntropyLoss lossFn;
  private Tensor x;
  private Tensor y;

  /** The network PyTorch's way (Kaiming-uniform, seeded), its optimizer and one minibatch. */
  @Setup
  public void setUp() {
    Generator gen = new Generator(0);
    model =
        new Sequential(
            new Linear(784, 256, gen),
            new ReLU(),
            new Linear(256, 128, gen),
            new ReLU(),
            new Linear(128, 10, gen));
    adam = new Adam(model.parameters(), 1e-3);
    lossFn = new CrossEntropyLoss();
    x = Tensor.rand(gen, batch, 784);
    long[] labels = new long[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = gen.nextInt(10);
    }
    y = Tensor.wrapLongs(labels);
  }

  /** {@code zeroGrad}, forward, loss, backward, {@code step}. */
  @Benchmark
  public double trainStep() {
    adam.zeroGrad();
    Tensor loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    adam.step();
    return loss.item();
  }

  /** Forward and loss only, recording the graph as training does (no backward, no step). */
  @Benchmark
  public Tensor forwardLoss() {
    return lossFn.forward(model.forward(x), y);
  }
}
