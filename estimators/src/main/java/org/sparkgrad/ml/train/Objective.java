package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import org.sparkgrad.nn.F;
import org.sparkgrad.nn.loss.BCEWithLogitsLoss;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.nn.loss.NLLLoss;
import org.sparkgrad.nn.loss.Reduction;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Tensor;

/**
 * The loss a network is trained on, computed per row (reduction {@code none}) so that partitions
 * can sum exactly what one machine would, and the per-row normaliser that sum is divided by.
 *
 * <ul>
 *   <li>{@code cross_entropy}: PyTorch's {@code cross_entropy} of the logits against class indices,
 *       with optional class weights ({@code weight}) and {@code label_smoothing}. As in PyTorch,
 *       the mean divides by the summed class weights of the rows ({@link #rowNormalisers}), so a
 *       minibatch's loss is PyTorch's {@code CrossEntropyLoss(weight=w, label_smoothing=ls)}.
 *   <li>{@code bce_with_logits}, binary: one logit per row, PyTorch's {@code
 *       binary_cross_entropy_with_logits} against a 0/1 label. Label smoothing moves the target to
 *       {@code y (1 - ls) + ls / 2} (what {@code cross_entropy} does with two classes); class
 *       weights {@code [w0, w1]} weigh a row by its class and normalise as {@code cross_entropy}.
 *   <li>{@code bce_with_logits}, multi-label: one logit per class against a 0/1 label per class,
 *       averaged over classes; class weights are PyTorch's per-class {@code weight}, smoothing as
 *       in the binary case.
 *   <li>{@code mse}, {@code l1}, {@code huber} (delta 1): averaged over the outputs, on the target
 *       standardised with {@link #withLabelScale} if the fit scales labels.
 * </ul>
 *
 * <p>The metric is accuracy for a classifier (for multi-label, the share of classes predicted
 * right, threshold 0.5), and for a regressor the squared error in the label's own units (averaged
 * over outputs), so that its weighted mean's square root is the RMSE.
 */
public final class Objective implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The loss functions. */
  public enum Kind {
    /** Softmax cross-entropy on logits against class indices. */
    CROSS_ENTROPY,
    /** Sigmoid binary cross-entropy on logits against 0/1 labels. */
    BCE_WITH_LOGITS,
    /** Mean squared error. */
    MSE,
    /** Mean absolute error. */
    L1,
    /** Huber loss with delta 1. */
    HUBER
  }

  /** Softmax cross-entropy, unweighted, unsmoothed. */
  public static final Objective CROSS_ENTROPY = new Objective(Kind.CROSS_ENTROPY);

  /** Binary cross-entropy on one logit. */
  public static final Objective BCE_WITH_LOGITS = new Objective(Kind.BCE_WITH_LOGITS);

  /** Mean squared error on the raw target. */
  public static final Objective MSE = new Objective(Kind.MSE);

  /** Mean absolute error on the raw target. */
  public static final Objective L1 = new Objective(Kind.L1);

  /** Huber loss (delta 1) on the raw target. */
  public static final Objective HUBER = new Objective(Kind.HUBER);

  private final Kind kind;
  private final float[] classWeights;
  private final double labelSmoothing;
  private final boolean multiLabel;
  private final float[] labelMean;
  private final float[] labelStd;

  private Objective(Kind kind) {
    this(kind, null, 0, false, null, null);
  }

  private Objective(
      Kind kind,
      float[] classWeights,
      double labelSmoothing,
      boolean multiLabel,
      float[] labelMean,
      float[] labelStd) {
    this.kind = kind;
    this.classWeights = classWeights;
    this.labelSmoothing = labelSmoothing;
    this.multiLabel = multiLabel;
    this.labelMean = labelMean;
    this.labelStd = labelStd;
  }

  /** The objective of a {@code loss} param value. */
  public static Objective of(String loss) {
    return switch (loss) {
      case "cross_entropy" -> CROSS_ENTROPY;
      case "bce_with_logits" -> BCE_WITH_LOGITS;
      case "mse" -> MSE;
      case "l1" -> L1;
      case "huber" -> HUBER;
      default ->
          throw new IllegalArgumentException(
              "loss must be one of [cross_entropy, bce_with_logits, mse, l1, huber], got '"
                  + loss
                  + "'");
    };
  }

  /** The loss function. */
  public Kind kind() {
    return kind;
  }

  /** This objective with class weights (null or empty for none); classification only. */
  public Objective withClassWeights(double[] weights) {
    float[] w = null;
    if (weights != null && weights.length > 0) {
      w = new float[weights.length];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) weights[i];
      }
    }
    return new Objective(kind, w, labelSmoothing, multiLabel, labelMean, labelStd);
  }

  /** This objective with label smoothing in [0, 1); classification only. */
  public Objective withLabelSmoothing(double smoothing) {
    return new Objective(kind, classWeights, smoothing, multiLabel, labelMean, labelStd);
  }

  /** This {@code bce_with_logits} objective with one logit per class (multi-label) if true. */
  public Objective withMultiLabel(boolean value) {
    return new Objective(kind, classWeights, labelSmoothing, value, labelMean, labelStd);
  }

  /**
   * This regression objective trained on the target standardised per output, {@code (y - mean) /
   * std}; the metric stays in the label's units. Null arrays: the raw target.
   */
  public Objective withLabelScale(float[] mean, float[] std) {
    return new Objective(kind, classWeights, labelSmoothing, multiLabel, mean, std);
  }

  /** The class weights, or null. */
  public float[] classWeights() {
    return classWeights == null ? null : classWeights.clone();
  }

  /** True for a multi-label {@code bce_with_logits} objective. */
  public boolean multiLabel() {
    return multiLabel;
  }

  /** The param value naming this objective's loss. */
  public String paramValue() {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  /**
   * The loss with every setting that changes training, for a run's fingerprint: the param value
   * alone when there are none.
   */
  public String describe() {
    StringBuilder s = new StringBuilder(paramValue());
    if (multiLabel) {
      s.append(" multiLabel");
    }
    if (classWeights != null) {
      s.append(" classWeights=").append(Arrays.toString(classWeights));
    }
    if (labelSmoothing > 0) {
      s.append(" labelSmoothing=").append(labelSmoothing);
    }
    if (labelStd != null) {
      // The statistics themselves follow from the data, which a fingerprint covers already.
      s.append(" labelScaling=standard");
    }
    return s.toString();
  }

  /** True for the classification losses. */
  public boolean classification() {
    return kind == Kind.CROSS_ENTROPY || kind == Kind.BCE_WITH_LOGITS;
  }

  /** The metric's name: {@code accuracy} or {@code rmse}. */
  public String metricName() {
    return classification() ? "accuracy" : "rmse";
  }

  /**
   * The target tensor for {@code rows} rows of {@code labelDim} label values: int64 {@code [rows]}
   * class indices for cross-entropy, else float {@code [rows, labelDim]} (standardised when the
   * objective scales labels).
   */
  public Tensor target(float[] labels, int rows, int labelDim, Device device) {
    if (kind == Kind.CROSS_ENTROPY) {
      long[] idx = new long[rows];
      for (int i = 0; i < rows; i++) {
        idx[i] = (long) labels[i];
      }
      return Tensor.ofLongs(idx, rows).to(device);
    }
    if (labelStd == null) {
      return Tensor.of(labels, rows, labelDim).to(device);
    }
    float[] scaled = new float[rows * labelDim];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < labelDim; j++) {
        scaled[i * labelDim + j] = (labels[i * labelDim + j] - labelMean[j]) / labelStd[j];
      }
    }
    return Tensor.of(scaled, rows, labelDim).to(device);
  }

  /** The per-row loss {@code [rows]} of network outputs {@code out} against {@code target}. */
  public Tensor perRowLoss(Tensor out, Tensor target) {
    return switch (kind) {
      case CROSS_ENTROPY ->
          new CrossEntropyLoss(
                  weightTensor(out), NLLLoss.DEFAULT_IGNORE_INDEX, Reduction.NONE, labelSmoothing)
              .forward(out, target);
      case BCE_WITH_LOGITS -> bcePerRow(out, target);
      case MSE -> F.mseLoss(out, target, Reduction.NONE).mean(1, false);
      case L1 -> F.l1Loss(out, target, Reduction.NONE).mean(1, false);
      case HUBER -> F.huberLoss(out, target, Reduction.NONE, 1.0).mean(1, false);
    };
  }

  private Tensor bcePerRow(Tensor out, Tensor target) {
    Tensor y = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / 2) : target;
    Tensor classWeight = multiLabel ? weightTensor(out) : null;
    Tensor perElement = new BCEWithLogitsLoss(classWeight, Reduction.NONE, null).forward(out, y);
    Tensor perRow = perElement.mean(1, false);
    if (!multiLabel && classWeights != null) {
      // w[y] = w0 + (w1 - w0) y for a 0/1 label.
      Tensor w = target.reshape(-1).mul(classWeights[1] - classWeights[0]).add(classWeights[0]);
      perRow = perRow.mul(w);
    }
    return perRow;
  }

  private Tensor weightTensor(Tensor like) {
    return classWeights == null ? null : Tensor.of(classWeights).to(like.device());
  }

  /**
   * What each row of a minibatch counts for in the mean's denominator beyond its {@code weightCol}
   * weight: its class's weight under class weights with {@code cross_entropy} or binary {@code
   * bce_with_logits} (PyTorch's weighted mean), else null (1 for every row).
   */
  public float[] rowNormalisers(float[] labels, int rows, int labelDim) {
    if (classWeights == null || multiLabel || !classification()) {
      return null;
    }
    float[] n = new float[rows];
    for (int i = 0; i < rows; i++) {
      n[i] = classWeights[(int) labels[i * labelDim]];
    }
    return n;
  }

  /**
   * The per-row metric {@code [rows]}: 1 where the predicted class equals the label (else 0; for
   * multi-label the share of classes right), or the squared error in label units averaged over
   * outputs. Not differentiable.
   */
  public Tensor perRowMetric(Tensor out, Tensor target) {
    Tensor o = out.detach();
    return switch (kind) {
      case CROSS_ENTROPY -> o.argmax(1, false).eq(target).to(DType.FLOAT32);
      case BCE_WITH_LOGITS -> o.gt(0).to(DType.FLOAT32).eq(target).to(DType.FLOAT32).mean(1, false);
      default -> {
        Tensor d = o.sub(target);
        if (labelStd != null) {
          d = d.mul(Tensor.of(labelStd).to(o.device()).reshape(1, labelStd.length));
        }
        yield d.mul(d).mean(1, false);
      }
    };
  }
}
