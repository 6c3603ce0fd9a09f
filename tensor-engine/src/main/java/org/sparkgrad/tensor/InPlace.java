package org.sparkgrad.tensor;

import org.sparkgrad.backend.BinaryOp;

/**
 * In-place updates for optimizers and gradient accumulation. They are not recorded by autograd, so
 * they refuse tensors that autograd is tracking unless recording is off.
 */
final class InPlace {
  private InPlace() {}

  static void check(Tensor t) {
    if (NoGrad.isGradEnabled() && t.requiresGrad()) {
      throw new IllegalStateException(
          (t.isLeaf() ? "a leaf tensor that requires grad" : "a tensor in the autograd graph")
              + " is being used in an in-place operation; do it inside a NoGrad scope");
    }
  }

  private static int[] sourceStrides(Tensor target, Tensor source) {
    Checks.sameDeviceAndDType("in-place update", target, source);
    return Shapes.broadcastStrides(source.rawShape(), target.rawShape());
  }

  static void add(Tensor t, Tensor other, double alpha) {
    check(t);
    if (java.util.Arrays.equals(t.rawShape(), other.rawShape())) {
      Checks.sameDeviceAndDType("addInPlace", t, other);
      t.backend().axpy(alpha, other.storage(), t.storage());
    } else {
      Tensor src =
          alpha == 1 ? other : Elementwise.binaryRaw(BinaryOp.MUL, other, other.scalarLike(alpha));
      binary(BinaryOp.ADD, t, src);
    }
  }

  static void binary(BinaryOp op, Tensor t, Tensor other) {
    check(t);
    int[] shape = t.rawShape();
    t.backend()
        .binary(
            op,
            t.storage(),
            Shapes.contiguousStrides(shape),
            other.storage(),
            sourceStrides(t, other),
            t.storage(),
            shape);
  }

  static void copy(Tensor t, Tensor source) {
    check(t);
    int[] shape = t.rawShape();
    t.backend()
        .copy(
            source.storage(),
            0,
            sourceStrides(t, source),
            t.storage(),
            0,
            Shapes.contiguousStrides(shape),
            shape);
  }
}
