package org.sparkgrad.tensor;

import org.sparkgrad.backend.BinaryOp;
import org.sparkgrad.backend.UnaryOp;

/**
 * Elementwise arithmetic with broadcasting. Each op's forward and backward sit together; the
 * backward of a broadcast operand sums the gradient back down to its shape ({@link Tensor#sumTo}).
 */
final class Elementwise {
  private Elementwise() {}

  /** {@code op(a, b)} broadcast, without recording. */
  static Tensor binaryRaw(BinaryOp op, Tensor a, Tensor b) {
    Checks.sameDeviceAndDType(op.name().toLowerCase(java.util.Locale.ROOT), a, b);
    int[] shape = Shapes.broadcast(a.rawShape(), b.rawShape());
    Tensor out = Tensor.allocateForOverwrite(a, a.dtype(), shape);
    a.backend()
        .binary(
            op,
            a.storage(),
            Shapes.broadcastStrides(a.rawShape(), shape),
            b.storage(),
            Shapes.broadcastStrides(b.rawShape(), shape),
            out.storage(),
            shape);
    return out;
  }

  /** {@code op(x)}, without recording. */
  static Tensor unaryRaw(UnaryOp op, Tensor x) {
    Tensor out = Tensor.allocateForOverwrite(x, x.dtype(), x.rawShape());
    x.backend().unary(op, x.storage(), out.storage());
    return out;
  }

  private static Tensor gradFor(Tensor input, Tensor grad) {
    return input.requiresGrad() ? grad.sumTo(input.rawShape()) : null;
  }

  static Tensor add(Tensor a, Tensor b) {
    Tensor out = binaryRaw(BinaryOp.ADD, a, b);
    return Autograd.record(
        out, "AddBackward", g -> new Tensor[] {gradFor(a, g), gradFor(b, g)}, a, b);
  }

  static Tensor sub(Tensor a, Tensor b) {
    Tensor out = binaryRaw(BinaryOp.SUB, a, b);
    return Autograd.record(
        out,
        "SubBackward",
        g -> new Tensor[] {gradFor(a, g), b.requiresGrad() ? gradFor(b, g.neg()) : null},
        a,
        b);
  }

  static Tensor mul(Tensor a, Tensor b) {
    Tensor out = binaryRaw(BinaryOp.MUL, a, b);
    return Autograd.record(
        out,
        "MulBackward",
        g ->
            new Tensor[] {
              a.requiresGrad() ? gradFor(a, g.mul(b)) : null,
              b.requiresGrad() ? gradFor(b, g.mul(a)) : null
            },
        a,
        b);
  }

  static Tensor div(Tensor a, Tensor b) {
    Tensor out = binaryRaw(BinaryOp.DIV, a, b);
    // d(a/b)/db = -a/b^2 = -out/b
    return Autograd.record(
        out,
        "DivBackward",
        g ->
            new Tensor[] {
              a.requiresGrad() ? gradFor(a, g.div(b)) : null,
              b.requiresGrad() ? gradFor(b, g.mul(out).div(b).neg()) : null
            },
        a,
        b);
  }

  static Tensor neg(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.NEG, x);
    return Autograd.record(out, "NegBackward", g -> new Tensor[] {g.neg()}, x);
  }

  static Tensor pow(Tensor x, double p) {
    Checks.floating("pow", x);
    Tensor out = binaryRaw(BinaryOp.POW, x, x.scalarLike(p));
    return Autograd.record(
        out,
        "PowBackward",
        g -> new Tensor[] {p == 0 ? g.zerosLike() : g.mul(x.pow(p - 1)).mul(p)},
        x);
  }

  static Tensor pow(Tensor a, Tensor b) {
    Checks.floating("pow", a);
    Tensor out = binaryRaw(BinaryOp.POW, a, b);
    // d/da = b * a^(b-1); d/db = a^b * log(a), taken as 0 where a == 0 (as PyTorch does).
    return Autograd.record(
        out,
        "PowBackward",
        g ->
            new Tensor[] {
              a.requiresGrad() ? gradFor(a, g.mul(b).mul(a.pow(b.sub(1)))) : null,
              b.requiresGrad()
                  ? gradFor(b, where(a.eq(0), a.scalarLike(0), g.mul(out).mul(a.log())))
                  : null
            },
        a,
        b);
  }

  static Tensor exp(Tensor x) {
    Checks.floating("exp", x);
    Tensor out = unaryRaw(UnaryOp.EXP, x);
    return Autograd.record(out, "ExpBackward", g -> new Tensor[] {g.mul(out)}, x);
  }

  static Tensor log(Tensor x) {
    Checks.floating("log", x);
    Tensor out = unaryRaw(UnaryOp.LOG, x);
    return Autograd.record(out, "LogBackward", g -> new Tensor[] {g.div(x)}, x);
  }

  static Tensor sqrt(Tensor x) {
    Checks.floating("sqrt", x);
    Tensor out = unaryRaw(UnaryOp.SQRT, x);
    return Autograd.record(out, "SqrtBackward", g -> new Tensor[] {g.div(out.mul(2))}, x);
  }

  static Tensor abs(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.ABS, x);
    return Autograd.record(
        out, "AbsBackward", g -> new Tensor[] {g.mul(unaryRaw(UnaryOp.SIGN, x))}, x);
  }

  static Tensor clamp(Tensor x, double min, double max) {
    if (min > max) {
      throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
    }
    Tensor out =
        binaryRaw(BinaryOp.MIN, binaryRaw(BinaryOp.MAX, x, x.scalarLike(min)), x.scalarLike(max));
    return Autograd.record(
        out,
        "ClampBackward",
        g ->
            new Tensor[] {
              g.mul(compare(BinaryOp.GE, x, x.scalarLike(min)))
                  .mul(compare(BinaryOp.LE, x, x.scalarLike(max)))
            },
        x);
  }

  /** Elementwise maximum; where the two are equal, each gets half the gradient (as PyTorch). */
  static Tensor maximum(Tensor a, Tensor b) {
    return extremum(BinaryOp.MAX, BinaryOp.GT, "MaximumBackward", a, b);
  }

  static Tensor minimum(Tensor a, Tensor b) {
    return extremum(BinaryOp.MIN, BinaryOp.LT, "MinimumBackward", a, b);
  }

  private static Tensor extremum(BinaryOp op, BinaryOp wins, String name, Tensor a, Tensor b) {
    Tensor out = binaryRaw(op, a, b);
    return Autograd.record(
        out,
        name,
        g -> {
          Tensor tie = compare(BinaryOp.EQ, a, b).mul(0.5);
          Tensor aShare = compare(wins, a, b).add(tie);
          Tensor bShare = compare(wins, b, a).add(tie);
          return new Tensor[] {gradFor(a, g.mul(aShare)), gradFor(b, g.mul(bShare))};
        },
        a,
        b);
  }

  /** A comparison: 1 where true, 0 where false, in the inputs' dtype. Not differentiable. */
  static Tensor compare(BinaryOp op, Tensor a, Tensor b) {
    return binaryRaw(op, a, b);
  }

  static Tensor where(Tensor cond, Tensor a, Tensor b) {
    Checks.sameDeviceAndDType("where", a, b);
    if (!cond.device().equals(a.device())) {
      throw new IllegalArgumentException(
          "where: condition is on " + cond.device() + ", values on " + a.device());
    }
    int[] shape = Shapes.broadcast(Shapes.broadcast(cond.rawShape(), a.rawShape()), b.rawShape());
    Tensor out = Tensor.allocateForOverwrite(a, a.dtype(), shape);
    a.backend()
        .where(
            cond.storage(),
            Shapes.broadcastStrides(cond.rawShape(), shape),
            a.storage(),
            Shapes.broadcastStrides(a.rawShape(), shape),
            b.storage(),
            Shapes.broadcastStrides(b.rawShape(), shape),
            out.storage(),
            shape);
    return Autograd.record(
        out,
        "WhereBackward",
        g -> {
          Tensor zero = g.scalarLike(0);
          return new Tensor[] {
            null,
            a.requiresGrad() ? gradFor(a, where(cond, g, zero)) : null,
            b.requiresGrad() ? gradFor(b, where(cond, zero, g)) : null
          };
        },
        cond,
        a,
        b);
  }
}
