package org.sparkgrad.backend;

/**
 * Elementwise maps of two broadcast tensors. Comparisons give 1 or 0 in the dtype of the inputs.
 */
public enum BinaryOp {
  ADD {
    @Override
    public double apply(double a, double b) {
      return a + b;
    }
  },
  SUB {
    @Override
    public double apply(double a, double b) {
      return a - b;
    }
  },
  MUL {
    @Override
    public double apply(double a, double b) {
      return a * b;
    }
  },
  DIV {
    @Override
    public double apply(double a, double b) {
      return a / b;
    }
  },
  POW {
    @Override
    public double apply(double a, double b) {
      return Math.pow(a, b);
    }
  },
  MAX {
    @Override
    public double apply(double a, double b) {
      return Math.max(a, b);
    }
  },
  MIN {
    @Override
    public double apply(double a, double b) {
      return Math.min(a, b);
    }
  },
  EQ {
    @Override
    public double apply(double a, double b) {
      return a == b ? 1 : 0;
    }
  },
  NE {
    @Override
    public double apply(double a, double b) {
      return a != b ? 1 : 0;
    }
  },
  GT {
    @Override
    public double apply(double a, double b) {
      return a > b ? 1 : 0;
    }
  },
  GE {
    @Override
    public double apply(double a, double b) {
      return a >= b ? 1 : 0;
    }
  },
  LT {
    @Override
    public double apply(double a, double b) {
      return a < b ? 1 : 0;
    }
  },
  LE {
    @Override
    public double apply(double a, double b) {
      return a <= b ? 1 : 0;
    }
  };

  /** The value of this map at {@code (a, b)}. */
  public abstract double apply(double a, double b);

  /** Integer semantics for INT64 tensors, exact beyond 2^53. */
  public long applyLong(long a, long b) {
    return switch (this) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> {
        if (b == 0) {
          throw new ArithmeticException("integer division by zero");
        }
        yield Math.floorDiv(a, b);
      }
      case POW -> (long) Math.pow((double) a, (double) b);
      case MAX -> Math.max(a, b);
      case MIN -> Math.min(a, b);
      case EQ -> a == b ? 1 : 0;
      case NE -> a != b ? 1 : 0;
      case GT -> a > b ? 1 : 0;
      case GE -> a >= b ? 1 : 0;
      case LT -> a < b ? 1 : 0;
      case LE -> a <= b ? 1 : 0;
    };
  }
}
