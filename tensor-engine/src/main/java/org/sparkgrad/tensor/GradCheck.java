package org.sparkgrad.tensor;

import java.util.Locale;
import java.util.function.Function;

/**
 * Checks autograd against central finite differences, as {@code torch.autograd.gradcheck}: every
 * element of the Jacobian of {@code f} with respect to every input that requires grad must agree
 * within {@code atol + rtol * |numerical|}.
 *
 * <p>Inputs should be float64; float32 differences are too coarse for these tolerances.
 */
public final class GradCheck {
  /** The analytical and numerical gradients disagree; the message says where. */
  public static final class GradCheckError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GradCheckError(String message) {
      super(message);
    }
  }

  private final double eps;
  private final double atol;
  private final double rtol;

  private GradCheck(double eps, double atol, double rtol) {
    this.eps = eps;
    this.atol = atol;
    this.rtol = rtol;
  }

  /** PyTorch's defaults: {@code eps = 1e-6, atol = 1e-5, rtol = 1e-3}. */
  public static GradCheck defaults() {
    return new GradCheck(1e-6, 1e-5, 1e-3);
  }

  /** Custom step and tolerances. */
  public static GradCheck of(double eps, double atol, double rtol) {
    return new GradCheck(eps, atol, rtol);
  }

  /** Checks {@code f} at {@code inputs} with PyTorch's default tolerances. */
  public static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
    defaults().run(f, inputs);
  }

  /**
   * Checks {@code f} at {@code inputs}.
   *
   * @throws GradCheckError naming the input, its element, the output element and both values
   */
  public void run(Function<Tensor[], Tensor> f, Tensor... inputs) {
    Tensor probe = f.apply(inputs);
    int outN = probe.numel();
    int[] outShape = probe.shape();
    for (int i = 0; i < inputs.length; i++) {
      Tensor x = inputs[i];
      if (!x.requiresGrad()) {
        continue;
      }
      double[][] analytical = analytical(f, inputs, i, outN, outShape);
      double[][] numerical = numerical(f, inputs, i, outN);
      for (int e = 0; e < x.numel(); e++) {
        for (int o = 0; o < outN; o++) {
          double a = analytical[e][o];
          double n = numerical[e][o];
          if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
            throw new GradCheckError(
                String.format(
                    Locale.ROOT,
                    "gradient mismatch for input %d (shape %s) element %d, output element %d:"
                        + " analytical %.10g, numerical %.10g",
                    i,
                    Shapes.str(x.shape()),
                    e,
                    o,
                    a,
                    n));
          }
        }
      }
    }
  }

  /** {@code J[e][o] = d out[o] / d x[e]} by one backward pass per output element. */
  private static double[][] analytical(
      Function<Tensor[], Tensor> f, Tensor[] inputs, int which, int outN, int[] outShape) {
    Tensor x = inputs[which];
    double[][] j = new double[x.numel()][outN];
    for (int o = 0; o < outN; o++) {
      for (Tensor t : inputs) {
        t.zeroGrad();
      }
      Tensor out = f.apply(inputs);
      if (!out.requiresGrad()) {
        continue;
      }
      double[] oneHot = new double[outN];
      oneHot[o] = 1;
      out.backward(Tensor.of(oneHot).reshape(outShape).to(out.dtype()));
      if (x.grad() != null) {
        double[] g = x.grad().toDoubleArray();
        for (int e = 0; e < g.length; e++) {
          j[e][o] = g[e];
        }
      }
    }
    for (Tensor t : inputs) {
      t.zeroGrad();
    }
    return j;
  }

  private double[][] numerical(Function<Tensor[], Tensor> f, Tensor[] inputs, int which, int outN) {
    Tensor x = inputs[which];
    double[] base = x.toDoubleArray();
    double[][] j = new double[base.length][outN];
    try (NoGrad ignored = NoGrad.enter()) {
      for (int e = 0; e < base.length; e++) {
        double[] plus = evaluate(f, inputs, which, base, e, eps);
        double[] minus = evaluate(f, inputs, which, base, e, -eps);
        for (int o = 0; o < outN; o++) {
          j[e][o] = (plus[o] - minus[o]) / (2 * eps);
        }
      }
    }
    return j;
  }

  private static double[] evaluate(
      Function<Tensor[], Tensor> f, Tensor[] inputs, int which, double[] base, int e, double d) {
    double[] v = base.clone();
    v[e] += d;
    Tensor[] args = inputs.clone();
    args[which] = Tensor.of(v).reshape(inputs[which].shape()).to(inputs[which].dtype());
    return f.apply(args).toDoubleArray();
  }
}
