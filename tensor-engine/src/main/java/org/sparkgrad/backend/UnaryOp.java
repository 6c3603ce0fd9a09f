package org.sparkgrad.backend;

/**
 * Elementwise maps of one tensor. Each constant defines its value in double precision; backends may
 * specialise the hot ones, but must agree with {@link #apply(double)}.
 */
public enum UnaryOp {
  NEG {
    @Override
    public double apply(double x) {
      return -x;
    }
  },
  EXP {
    @Override
    public double apply(double x) {
      return Math.exp(x);
    }
  },
  LOG {
    @Override
    public double apply(double x) {
      return Math.log(x);
    }
  },
  SQRT {
    @Override
    public double apply(double x) {
      return Math.sqrt(x);
    }
  },
  ABS {
    @Override
    public double apply(double x) {
      return Math.abs(x);
    }
  },
  /** -1, 0 or 1; the derivative of {@code abs}. */
  SIGN {
    @Override
    public double apply(double x) {
      return Math.signum(x);
    }
  },
  RELU {
    @Override
    public double apply(double x) {
      return x > 0 ? x : 0;
    }
  },
  /** 1 where x > 0, else 0; the derivative of {@code relu}. */
  STEP {
    @Override
    public double apply(double x) {
      return x > 0 ? 1 : 0;
    }
  },
  SIGMOID {
    @Override
    public double apply(double x) {
      return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
  },
  TANH {
    @Override
    public double apply(double x) {
      return Math.tanh(x);
    }
  },
  /** The exact GELU, {@code x * Phi(x)}, PyTorch's default. */
  GELU {
    @Override
    public double apply(double x) {
      return x * SpecialFunctions.normalCdf(x);
    }
  },
  /** {@code Phi(x) + x * phi(x)}, the derivative of {@code GELU}. */
  GELU_GRAD {
    @Override
    public double apply(double x) {
      return SpecialFunctions.normalCdf(x) + x * SpecialFunctions.normalPdf(x);
    }
  },
  /**
   * {@code x} rounded to float32, then to the nearest bfloat16, kept in a float: what an autocast
   * region computes on ({@link HalfFloats#roundBf16}).
   */
  ROUND_BF16 {
    @Override
    public double apply(double x) {
      return HalfFloats.roundBf16((float) x);
    }
  },
  /** {@code x} rounded to float32, then to the nearest IEEE half ({@link HalfFloats#roundF16}). */
  ROUND_F16 {
    @Override
    public double apply(double x) {
      return HalfFloats.roundF16((float) x);
    }
  };

  /** The value of this map at {@code x}. */
  public abstract double apply(double x);
}
