package org.sparkgrad.tensor;

import java.util.Arrays;
import org.sparkgrad.backend.UnaryOp;

/**
 * Fused ops (issue 20): a linear layer's bias and its activation in one pass over the output
 * ({@link org.sparkgrad.backend.Backend#biasActivation}), softmax with cross-entropy in one pass
 * over the logits ({@link org.sparkgrad.backend.Backend#crossEntropy}), and ReLU before a max pool
 * in the pool's pass (issue 17). The composed forms write and re-read the output once per op (bias
 * copy, GEMM, activation; log-softmax, gather of the targets' entries, negation; ReLU's output and
 * its gradient), and each pass is a kernel launch on a GPU. The first two give the composed forms'
 * values within float rounding (the bias is added after the product instead of before) and the same
 * gradients; the third gives the composed form's values and gradients bit for bit. {@code nn} uses
 * them where a network spells the composed form ({@code Sequential}'s {@code Linear} then {@code
 * ReLU}/{@code Tanh}/{@code Sigmoid}, or {@code ReLU} then {@code MaxPool2d}; {@code
 * CrossEntropyLoss} with class-index targets) unless the system property {@code sparkgrad.fused} is
 * {@code false}.
 */
public final class FusedOps {
  private FusedOps() {}

  /**
   * Whether {@code nn} fuses where it can: the system property {@code sparkgrad.fused}, default on.
   */
  public static boolean enabled() {
    return !"false".equalsIgnoreCase(System.getProperty("sparkgrad.fused"));
  }

  /**
   * {@code act(x @ weight^T + bias)}: {@link Tensor#linear} without its bias, then the bias and the
   * activation in one pass.
   *
   * <p>Shape: input {@code [*, in]}, weight {@code [out, in]}, bias {@code [out]}; output {@code
   * [*, out]}.
   *
   * @param act {@link UnaryOp#RELU}, {@link UnaryOp#TANH} or {@link UnaryOp#SIGMOID}
   */
  public static Tensor linearActivation(Tensor x, Tensor weight, Tensor bias, UnaryOp act) {
    if (bias == null) {
      throw new IllegalArgumentException("linearActivation: the fused layer needs a bias");
    }
    return biasActivation(Tensor.linear(x, weight, null), Autocast.cast(bias), act);
  }

  /**
   * {@code act(y + bias)} with the bias broadcast along the last axis of {@code y}.
   *
   * <p>Shape: {@code y [*, C]}, bias {@code [C]}; output as {@code y}.
   */
  public static Tensor biasActivation(Tensor y, Tensor bias, UnaryOp act) {
    Checks.sameDeviceAndDType("biasActivation", y, bias);
    if (act != UnaryOp.RELU && act != UnaryOp.TANH && act != UnaryOp.SIGMOID) {
      throw new IllegalArgumentException(
          "biasActivation: activation must be RELU, TANH or SIGMOID, got " + act);
    }
    if (y.dim() < 1 || bias.dim() != 1 || bias.size(0) != y.size(-1)) {
      throw new IllegalArgumentException(
          "biasActivation: bias of shape "
              + Arrays.toString(bias.shape())
              + " does not match the last axis of "
              + Arrays.toString(y.shape()));
    }
    int cols = bias.size(0);
    int rows = cols == 0 ? 0 : y.numel() / cols;
    Tensor out = Tensor.allocate(y, y.dtype(), y.shape());
    y.backend().biasActivation(act, y.storage(), bias.storage(), rows, cols, out.storage());
    return Autograd.record(
        out,
        "BiasActivationBackward",
        g -> {
          Tensor dz = activationGrad(act, out, g);
          Tensor gb = bias.requiresGrad() ? dz.reshape(rows, cols).sum(0, false) : null;
          return new Tensor[] {dz, gb};
        },
        y,
        bias);
  }

  /** {@code g * act'(z)} from the activation's output, as the unfused activations compute it. */
  private static Tensor activationGrad(UnaryOp act, Tensor out, Tensor g) {
    return switch (act) {
      case RELU -> g.mul(Elementwise.unaryRaw(UnaryOp.STEP, out));
      case TANH -> g.mul(out.mul(out).rsub(1));
      default -> g.mul(out).mul(out.rsub(1));
    };
  }

  /**
   * {@code maxPool2d(relu(x), kernelSize, stride, padding)}, as {@link Tensor#maxPool2d} of {@link
   * Tensor#relu}, with the same values and gradients bit for bit: on float32 CPU tensors ReLU is
   * applied to each window's maximum (the max commutes with ReLU) and its step at the winners in
   * the backward pass, so ReLU's output and its gradient, each as large as {@code x}, are never
   * written.
   *
   * <p>Shape: input {@code [N, C, H, W]}; output {@code [N, C, OH, OW]}, as {@link
   * Tensor#maxPool2d}.
   */
  public static Tensor reluMaxPool2d(Tensor x, int kernelSize, int stride, int padding) {
    return MaxPooling.reluMaxPool2d(x, kernelSize, stride, padding);
  }

  /**
   * The per-row cross-entropy of logits against class indices, {@code logsumexp(x[i, :]) - x[i,
   * t_i]}, with softmax's probabilities kept for the backward pass, {@code (softmax(x) - onehot(t))
   * * g}; 0, with no gradient, in rows whose target is {@code ignoreIndex}.
   *
   * <p>Shape: logits {@code [N, C]}, INT64 targets {@code [N]} in {@code [0, C)} or equal to {@code
   * ignoreIndex}; output {@code [N]}.
   */
  public static Tensor crossEntropy(Tensor logits, Tensor targets, long ignoreIndex) {
    Checks.floating("crossEntropy", logits);
    if (logits.dim() != 2
        || targets.dim() != 1
        || targets.size(0) != logits.size(0)
        || targets.dtype() != DType.INT64) {
      throw new IllegalArgumentException(
          "crossEntropy: expected logits [N, C] and int64 targets [N], got "
              + Arrays.toString(logits.shape())
              + " and "
              + targets.dtype()
              + " "
              + Arrays.toString(targets.shape()));
    }
    if (!targets.device().equals(logits.device())) {
      throw new IllegalArgumentException(
          "crossEntropy: targets on " + targets.device() + ", logits on " + logits.device());
    }
    int rows = logits.size(0);
    int classes = logits.size(1);
    Tensor losses = Tensor.allocate(logits, logits.dtype(), new int[] {rows});
    Tensor probs = Tensor.allocate(logits, logits.dtype(), new int[] {rows, classes});
    logits
        .backend()
        .crossEntropy(
            logits.storage(),
            targets.storage(),
            ignoreIndex,
            rows,
            classes,
            losses.storage(),
            probs.storage());
    return Autograd.record(
        losses,
        "CrossEntropyBackward",
        g -> {
          Tensor gx = Tensor.allocate(g, g.dtype(), new int[] {rows, classes});
          g.backend()
              .crossEntropyBackward(
                  probs.storage(),
                  targets.storage(),
                  ignoreIndex,
                  g.storage(),
                  rows,
                  classes,
                  gx.storage());
          return new Tensor[] {gx};
        },
        logits);
  }
}
