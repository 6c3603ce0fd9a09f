package org.sparkgrad.ml.train;

import java.util.Locale;
import org.sparkgrad.nn.F;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.nn.loss.Reduction;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Tensor;

/**
 * The loss a network is trained on, computed per row (reduction {@code none}) so that partitions
 * can sum exactly what one machine would: the per-row loss of a classifier is PyTorch's {@code
 * cross_entropy}, that of a regressor the mean over its outputs of {@code mse_loss}, {@code
 * l1_loss} or {@code huber_loss} (delta 1). The metric is accuracy for a classifier, the squared
 * error (averaged over outputs) for a regressor, so that its weighted mean's square root is the
 * RMSE.
 */
public enum Objective {
  /** Softmax cross-entropy on logits against class indices. */
  CROSS_ENTROPY,
  /** Mean squared error. */
  MSE,
  /** Mean absolute error. */
  L1,
  /** Huber loss with delta 1. */
  HUBER;

  /** The objective of a {@code loss} param value. */
  public static Objective of(String loss) {
    return switch (loss) {
      case "cross_entropy" -> CROSS_ENTROPY;
      case "mse" -> MSE;
      case "l1" -> L1;
      case "huber" -> HUBER;
      default ->
          throw new IllegalArgumentException(
              "loss must be one of [cross_entropy, mse, l1, huber], got '" + loss + "'");
    };
  }

  /** The param value naming this objective. */
  public String paramValue() {
    return this == CROSS_ENTROPY ? "cross_entropy" : name().toLowerCase(Locale.ROOT);
  }

  /** True for the classification loss. */
  public boolean classification() {
    return this == CROSS_ENTROPY;
  }

  /** The metric's name: {@code accuracy} or {@code rmse}. */
  public String metricName() {
    return classification() ? "accuracy" : "rmse";
  }

  /**
   * The target tensor for {@code rows} rows of {@code labelDim} label values: int64 {@code [rows]}
   * class indices, or float {@code [rows, labelDim]}.
   */
  public Tensor target(float[] labels, int rows, int labelDim, Device device) {
    if (classification()) {
      long[] idx = new long[rows];
      for (int i = 0; i < rows; i++) {
        idx[i] = (long) labels[i];
      }
      return Tensor.ofLongs(idx, rows).to(device);
    }
    return Tensor.of(labels, rows, labelDim).to(device);
  }

  /** The per-row loss {@code [rows]} of network outputs {@code out} against {@code target}. */
  public Tensor perRowLoss(Tensor out, Tensor target) {
    return switch (this) {
      case CROSS_ENTROPY -> new CrossEntropyLoss(Reduction.NONE).forward(out, target);
      case MSE -> F.mseLoss(out, target, Reduction.NONE).mean(1, false);
      case L1 -> F.l1Loss(out, target, Reduction.NONE).mean(1, false);
      case HUBER -> F.huberLoss(out, target, Reduction.NONE, 1.0).mean(1, false);
    };
  }

  /**
   * The per-row metric {@code [rows]}: 1 where the arg-max class equals the label (else 0), or the
   * squared error averaged over outputs. Not differentiable.
   */
  public Tensor perRowMetric(Tensor out, Tensor target) {
    if (classification()) {
      return out.argmax(1, false).eq(target).to(org.sparkgrad.tensor.DType.FLOAT32);
    }
    Tensor d = out.detach().sub(target);
    return d.mul(d).mean(1, false);
  }
}
