package org.sparkgrad.tensor;

import org.sparkgrad.backend.UnaryOp;

/** The activation functions, each with its derivative beside it. */
final class Activations {
  private Activations() {}

  static Tensor relu(Tensor x) {
    Checks.floating("relu", x);
    Tensor out = Elementwise.unaryRaw(UnaryOp.RELU, x);
    return Autograd.record(
        out, "ReluBackward", g -> new Tensor[] {g.mul(Elementwise.unaryRaw(UnaryOp.STEP, out))}, x);
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
        g -> new Tensor[] {g.mul(Elementwise.unaryRaw(UnaryOp.GELU_GRAD, x))},
        x);
  }
}
