package org.sparkgrad.ml;

import org.sparkgrad.optim.LossScaler;
import org.sparkgrad.tensor.Precision;

/**
 * The {@code precision} param of a fit, checked against the params it cannot go with before any
 * data is read: {@code fp16} needs a GPU (PyTorch's CPU autocast supports only bfloat16; a task
 * that resolves {@code device=auto} to the CPU refuses it too) and synchronous steps, since its
 * loss scaling checks every minibatch's summed gradient on the driver.
 */
final class FitPrecision {
  private FitPrecision() {}

  /**
   * The precision {@code p} asks for.
   *
   * @throws IllegalArgumentException naming the params, where fp16 cannot run
   */
  static Precision of(NeuralNetParams p) {
    Precision precision = Precision.of(p.getPrecision());
    if (precision != Precision.FP16) {
      return precision;
    }
    if (p.getDevice().equals("cpu")) {
      throw new IllegalArgumentException(
          "precision fp16 needs a GPU, but device is cpu: float16 autocast runs on GPUs only, as"
              + " in PyTorch, whose CPU autocast supports bfloat16; set precision to bf16 or"
              + " float32, or device to gpu");
    }
    if (p.getLocalSteps() > 1) {
      throw new IllegalArgumentException(
          "precision fp16 needs localSteps 1 (got "
              + p.getLocalSteps()
              + "): its loss scaling checks every minibatch's summed gradient on the driver; set"
              + " localSteps to 1 or precision to bf16");
    }
    return precision;
  }

  /** The loss scaler of a fit in {@code precision}: GradScaler's defaults for fp16, else null. */
  static LossScaler scaler(Precision precision) {
    return precision == Precision.FP16 ? new LossScaler() : null;
  }
}
