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
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * The matrix products of one {@code Linear} layer of the MLP 784-256-128-10 at batch 128, through
 * the public tensor API: the forward {@code x @ W^T + b} ({@link Tensor#linear}, what {@code
 * Linear} runs), the weight gradient {@code g^T @ x} and the input gradient {@code g @ W} (as a
 * user would write them; {@code t()} copies), and the layer's whole forward + backward through
 * autograd (what training runs). The raw backend GEMM per shape is in {@code MatmulBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MatmulJmh {
  /** The layer as {@code in x out}. */
  @Param({"784x256", "256x128", "128x10"})
  public String layer;

  /** Rows per minibatch. */
  @Param({"128"})
  public int batch;

  private Tensor x;
  private Tensor w;
  private Tensor b;
  private Tensor g;
  private Tensor wGrad;
  private Tensor bGrad;
  private Tensor xGrad;

  /** Random operands of the layer's shapes. */
  @Setup
  public void setUp() {
    String[] io = layer.split("x", -1);
    int in = Integer.parseInt(io[0]);
    int out = Integer.parseInt(io[1]);
    Generator gen = new Generator(7);
    x = Tensor.randn(gen, batch, in);
    w = Tensor.randn(gen, out, in);
    b = Tensor.randn(gen, out);
    g = Tensor.randn(gen, batch, out);
    wGrad = Tensor.randn(gen, out, in).requiresGrad(true);
    bGrad = Tensor.randn(gen, out).requiresGrad(true);
    xGrad = Tensor.randn(gen, batch, in).requiresGrad(true);
  }

  /** {@code x @ W^T + b}: {@code [batch, in] x [in, out]}. */
  @Benchmark
  public Tensor forward() {
    try (NoGrad ng = NoGrad.enter()) {
      return Tensor.linear(x, w, b);
    }
  }

  /** {@code dW = g^T @ x}: {@code [out, batch] x [batch, in]}. */
  @Benchmark
  public Tensor weightGrad() {
    try (NoGrad ng = NoGrad.enter()) {
      return g.t().matmul(x);
    }
  }

  /** {@code dx = g @ W}: {@code [batch, out] x [out, in]}. */
  @Benchmark
  public Tensor inputGrad() {
    try (NoGrad ng = NoGrad.enter()) {
      return g.matmul(w);
    }
  }

  /** The layer's forward and backward through autograd (dW, db and dx), as training runs it. */
  @Benchmark
  public Tensor forwardBackward() {
    wGrad.zeroGrad();
    bGrad.zeroGrad();
    xGrad.zeroGrad();
    Tensor y = Tensor.linear(xGrad, wGrad, bGrad);
    y.backward(g);
    return wGrad.grad();
  }
}
