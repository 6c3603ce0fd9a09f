package org.sparkgrad.backend.cuda;

import org.sparkgrad.backend.BinaryOp;
import org.sparkgrad.backend.ReduceOp;
import org.sparkgrad.backend.UnaryOp;

/**
 * The op codes the kernels switch on (listed in {@code elementwise.cu} and {@code reduce.cu}).
 * Spelled out rather than taken from {@code ordinal()}, so that reordering an enum cannot silently
 * change what a kernel computes, and a new constant fails to compile here until it has a kernel.
 */
final class CudaOps {
  private CudaOps() {}

  static int code(UnaryOp op) {
    return switch (op) {
      case NEG -> 0;
      case EXP -> 1;
      case LOG -> 2;
      case SQRT -> 3;
      case ABS -> 4;
      case SIGN -> 5;
      case RELU -> 6;
      case STEP -> 7;
      case SIGMOID -> 8;
      case TANH -> 9;
      case GELU -> 10;
      case GELU_GRAD -> 11;
      case ROUND_BF16, ROUND_F16 ->
          throw new IllegalArgumentException(op + " has its own kernel in amp.cu");
    };
  }

  static int code(BinaryOp op) {
    return switch (op) {
      case ADD -> 0;
      case SUB -> 1;
      case MUL -> 2;
      case DIV -> 3;
      case POW -> 4;
      case MAX -> 5;
      case MIN -> 6;
      case EQ -> 7;
      case NE -> 8;
      case GT -> 9;
      case GE -> 10;
      case LT -> 11;
      case LE -> 12;
    };
  }

  /** The mode of the {@code extreme_*} kernels: 0 MAX, 1 MIN, 2 ARGMAX. */
  static int extremeMode(ReduceOp op) {
    return switch (op) {
      case MAX -> 0;
      case MIN -> 1;
      case ARGMAX -> 2;
      case SUM -> throw new IllegalArgumentException("SUM has its own kernels");
    };
  }
}
