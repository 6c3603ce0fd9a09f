package org.sparkgrad.tensor;

import org.sparkgrad.backend.BinaryOp;
import org.sparkgrad.backend.UnaryOp;
import org.sparkgrad.backend.cpu.FloatReluGrad;

/** The activation functions, each with its derivative beside it. */
final class Activations {
  private Activations() {}

  static Tensor relu(Tensor x) {
    Checks.floating("relu", x);
    Tensor out = Elementwise.unaryRaw(UnaryOp.RELU, x);
    return Autograd.record(out, "ReluBackward", g -> new Tensor[] {reluGrad(out, g)}, x);
  }

  /**
   * {@code g * step(out)}: in one pass for float32 on the CPU ({@link FloatReluGrad}), otherwise
   * the step written out and multiplied by {@code g}; the same bits either way.
   */
  private static Tensor reluGrad(Tensor out, Tensor g) {
    if (FloatCpu.holds(out)
        && FloatCpu.holds(g)
        && java.util.Arrays.equals(out.rawShape(), g.rawShape())) {
      Tensor result = Tensor.allocateForOverwrite(g, g.dtype(), g.rawShape());
      FloatReluGrad.apply(
          FloatCpu.floats(out), FloatCpu.floats(g), FloatCpu.floats(result), out.numel());
      return result;
    }
    return maskTimes(Elementwise.unaryRaw(UnaryOp.STEP, out), g);
  }

  /**
   * {@code local * g}, written into {@code local}: a fresh, untracked local derivative of {@code
   * g}'s shape, so the product needs no second tensor. The product is IEEE-commutative, hence equal
   * to {@code g.mul(local)} bit for bit.
   */
  private static Tensor maskTimes(Tensor local, Tensor g) {
    if (!java.util.Arrays.equals(local.rawShape(), g.rawShape()) || local.dtype() != g.dtype()) {
      return g.mul(local);
    }
    InPlace.binary(BinaryOp.MUL, local, g);
    return local;
  }

  /** sigmoid' = s (1 - s). */
  static Tensor sigmoid(Tensor x) {
    Checks.floating("sigmoid", x);
    Tensor out = Elementwise.unaryRaw(UnaryOp.SIGMOID, x);
    return Autograd.record(
        out, "SigmoidBackward", g -> new Tensor[] {g.mul(out).mul(out.rsub(1))}, x);
  }

  /** tanh' = 1 - tanh^2. */
  static Tensor tanh(Tensor x) {
    Checks.floating("tanh", x);
    Tensor out = Elementwise.unaryRaw(UnaryOp.TANH, x);
    return Autograd.record(out, "TanhBackward", g -> new Tensor[] {g.mul(out.mul(out).rsub(1))}, x);
  }

  /** gelu' = Phi(x) + x phi(x). */
  static Tensor gelu(Tensor x) {
    Checks.floating("gelu", x);
    Tensor out = Elementwise.unaryRaw(UnaryOp.GELU, x);
    return Autograd.record(
        out,
        "GeluBackward",
        g -> new Tensor[] {maskTimes(Elementwise.unaryRaw(UnaryOp.GELU_GRAD, x), g)},
        x);
  }
}
