package org.sparkgrad.examples;

import java.io.PrintStream;
import java.util.Locale;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * The tensor-and-autograd tutorial, engine only: tensors of each rank and dtype, the matrix
 * product, the computational graph of a one-layer logistic model, and a short training loop by hand
 * with gradient descent.
 */
public final class TensorBasics {
  private TensorBasics() {}

  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the tutorial, printing to {@code out}; returns the final training loss. */
  public static double run(PrintStream out) {
    out.println("backend: " + Backends.cpu().description());

    out.println("\n# Tensors");
    Tensor scalar = Tensor.scalar(3.14);
    Tensor vector = Tensor.of(new float[] {1, 2, 3});
    Tensor matrix = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor cube = Tensor.zeros(2, 3, 4);
    Tensor labels = Tensor.ofLongs(new long[] {0, 2, 1});
    for (Tensor t : new Tensor[] {scalar, vector, matrix, cube, labels}) {
      out.printf(
          Locale.ROOT,
          "dim=%d shape=%s dtype=%s%n",
          t.dim(),
          java.util.Arrays.toString(t.shape()),
          t.dtype());
    }
    out.println("matrix = " + matrix);
    out.println("matrix @ matrix^T = " + matrix.matmul(matrix.t()));
    out.println("as float64: " + vector.to(DType.FLOAT64));

    out.println("\n# The computational graph of z = x w + b, a = sigmoid(z), loss = BCE(a, y)");
    Generator gen = new Generator(0);
    Tensor x = Tensor.ones(5);
    Tensor y = Tensor.zeros(3);
    Tensor w = Tensor.randn(gen, 5, 3).requiresGrad(true);
    Tensor b = Tensor.randn(gen, 3).requiresGrad(true);
    Tensor z = x.matmul(w).add(b);
    Tensor loss = binaryCrossEntropy(z.sigmoid(), y);
    out.println("z.gradFn = " + z.gradFn().name() + ", loss.gradFn = " + loss.gradFn().name());
    loss.backward();
    out.println("dloss/dw = " + w.grad());
    out.println("dloss/db = " + b.grad());

    out.println("\n# Fitting y = sigmoid(x . v) by gradient descent");
    Tensor inputs = Tensor.randn(gen, 64, 5);
    Tensor truth = Tensor.of(new float[] {1.5f, -2, 0.5f, 1, -1}, 5, 1);
    Tensor targets;
    try (NoGrad ignored = NoGrad.enter()) {
      targets = inputs.matmul(truth).sigmoid().gt(0.5);
    }
    Tensor v = Tensor.zeros(5, 1).requiresGrad(true);
    Tensor c = Tensor.zeros(1).requiresGrad(true);
    double last = Double.NaN;
    for (int step = 0; step <= 200; step++) {
      Tensor l = binaryCrossEntropy(inputs.matmul(v).add(c).sigmoid(), targets);
      v.zeroGrad();
      c.zeroGrad();
      l.backward();
      try (NoGrad ignored = NoGrad.enter()) {
        v.addInPlace(v.grad(), -1.0);
        c.addInPlace(c.grad(), -1.0);
      }
      last = l.item();
      if (step % 50 == 0) {
        out.printf(Locale.ROOT, "step %3d  loss %.4f%n", step, last);
      }
    }
    return last;
  }

  /** {@code mean(-(y log a + (1 - y) log(1 - a)))}. */
  static Tensor binaryCrossEntropy(Tensor a, Tensor y) {
    return y.mul(a.log()).add(y.rsub(1).mul(a.rsub(1).log())).mean().neg();
  }
}
