package org.sparkgrad.tensor;

/** Argument checks shared by the ops, with messages that name both operands. */
final class Checks {
  private Checks() {}

  static void sameDeviceAndDType(String op, Tensor a, Tensor b) {
    if (!a.device().equals(b.device())) {
      throw new IllegalArgumentException(
          op
              + ": expected both tensors on the same device, got "
              + a.device()
              + " and "
              + b.device());
    }
    if (a.dtype() != b.dtype()) {
      throw new IllegalArgumentException(
          op
              + ": expected both tensors of the same dtype, got "
              + a.dtype()
              + " and "
              + b.dtype()
              + "; convert one with to(DType)");
    }
  }

  static void floating(String op, Tensor a) {
    if (!a.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(op + " needs a floating-point tensor, got " + a.dtype());
    }
  }

  static void index(String op, Tensor index) {
    if (index.dtype() != DType.INT64) {
      throw new IllegalArgumentException(
          op + ": index must be an int64 tensor, got " + index.dtype());
    }
  }
}
