package org.sparkgrad.ml;

import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.data.Columns;
import org.sparkgrad.ml.data.DataPreparation;
import org.sparkgrad.ml.data.PreparedData;
import org.sparkgrad.ml.train.Objective;

/**
 * What a fit trains against: the {@link Objective} of the {@code loss}, {@code classWeights} and
 * {@code labelSmoothing} params and of the label column's type (one value: classes or a number;
 * several: multi-label 0/1 or several regression outputs), and the regressor's label scaling.
 */
final class FitTarget {
  private FitTarget() {}

  /**
   * The objective of {@code p}'s loss params for a label column of {@code schema}.
   *
   * @throws IllegalArgumentException if the label column holds several values per row and the loss
   *     is cross_entropy
   */
  static Objective objective(NeuralNetParams p, StructType schema) {
    Objective o = Objective.of(p.getLoss());
    if (!(p instanceof NeuralNetClassifierParams c)) {
      return o;
    }
    boolean multiValued = Columns.isMultiValued(schema.apply(p.getLabelCol()).dataType());
    if (multiValued && o.kind() == Objective.Kind.CROSS_ENTROPY) {
      throw new IllegalArgumentException(
          "labelCol: column '"
              + p.getLabelCol()
              + "' holds several values per row (a multi-label target of 0/1 per class), which"
              + " loss cross_entropy cannot learn; set loss to bce_with_logits, or give one class"
              + " index per row");
    }
    return o.withMultiLabel(multiValued)
        .withClassWeights(c.getClassWeights())
        .withLabelSmoothing(c.getLabelSmoothing());
  }

  /**
   * The number of classes the label values are checked against for {@code bce_with_logits}: 2 for a
   * binary label (0 or 1), or 0 for a multi-label one (each element is checked to be 0 or 1).
   *
   * @throws IllegalArgumentException if the label column's metadata has more than 2 classes for a
   *     binary label
   */
  static int bceClasses(Objective o, DataPreparation.Inspection ins, String labelCol) {
    if (o.multiLabel()) {
      return 0;
    }
    if (ins.metadataClasses() > 2) {
      throw new IllegalArgumentException(
          "loss bce_with_logits is binary (labels 0 or 1, one logit), but column '"
              + labelCol
              + "' has metadata of "
              + ins.metadataClasses()
              + " classes; use loss cross_entropy for more than 2 classes, or an array of 0/1 per"
              + " class for multi-label");
    }
    return 2;
  }

  /**
   * Checks that {@code classWeights}, if set, has one weight per class.
   *
   * @param outputs the network's outputs: the classes, one logit for binary, or the labels
   */
  static void checkClassWeights(Objective o, int outputs) {
    float[] w = o.classWeights();
    if (w == null) {
      return;
    }
    boolean binary = o.kind() == Objective.Kind.BCE_WITH_LOGITS && !o.multiLabel();
    int expected = binary ? 2 : outputs;
    if (w.length != expected) {
      throw new IllegalArgumentException(
          "classWeights has "
              + w.length
              + " values, but the classifier has "
              + expected
              + (binary
                  ? " classes (binary bce_with_logits: weights of labels 0 and 1)"
                  : o.multiLabel()
                      ? " labels (one weight per label of the multi-label target)"
                      : " classes (one weight per class)"));
    }
    double sum = 0;
    for (float v : w) {
      sum += v;
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException(
          "classWeights are all 0; at least one class must weigh more than 0");
    }
  }

  /** The label standardisation of a regressor fit, or null with {@code labelScaling=none}. */
  static LabelScale labelScale(NeuralNetParams p, PreparedData data) {
    if (!(p instanceof NeuralNetRegressorParams r) || r.getLabelScaling().equals("none")) {
      return null;
    }
    return LabelScale.of(data.labelStats().mean(), data.labelStats().std());
  }
}
