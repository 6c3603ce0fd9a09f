package org.sparkgrad.ml;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.onnx.OnnxOutputs;
import org.sparkgrad.ml.train.NetworkSpec;

/**
 * A fitted {@link NeuralNetClassifier}. {@code transform} adds, as MLlib's probabilistic
 * classifiers do, {@code rawPrediction} (the logits, shifted to mean 0: softmax-invariant, and for
 * two classes {@code rawPrediction[1]} orders rows as {@code probability[1]} does, which {@code
 * BinaryClassificationEvaluator} relies on), {@code probability} (their softmax) and {@code
 * prediction} (the most probable class), so MLlib's evaluators and tuning work unchanged.
 */
public final class NeuralNetClassificationModel extends NeuralNetModel<NeuralNetClassificationModel>
    implements NeuralNetClassifierParams {
  private static final long serialVersionUID = 1L;

  /** A model of {@code spec} with flat {@code weights} (in parameter order). */
  public NeuralNetClassificationModel(String uid, NetworkSpec spec, float[] weights) {
    super(uid, true, spec, weights);
  }

  /**
   * A model of {@code spec} with flat {@code weights} (in parameter order) and {@code buffers}
   * (batch norm's running statistics, in state-dict order; null for a new network's).
   */
  public NeuralNetClassificationModel(
      String uid, NetworkSpec spec, float[] weights, float[] buffers) {
    super(uid, true, spec, weights, buffers);
  }

  @Override
  protected NeuralNetClassificationModel self() {
    return this;
  }

  /** The number of classes: 2 for a binary {@code bce_with_logits} model of one logit. */
  public int numClasses() {
    return binaryLogit() ? 2 : numOutputs();
  }

  /** True for a model trained with {@code bce_with_logits} on a 0/1 label: one logit. */
  public boolean binaryLogit() {
    return getLoss().equals("bce_with_logits") && numOutputs() == 1;
  }

  /**
   * True for a model trained with {@code bce_with_logits} on a vector or array label of 0/1 per
   * class: one logit per label, per-label probabilities, and a vector {@code prediction}.
   */
  public boolean isMultiLabel() {
    return getLoss().equals("bce_with_logits") && numOutputs() > 1;
  }

  /** The output values of the model's kind, with the columns chosen. */
  private Scoring.Outputs values(boolean raw, boolean probability, boolean prediction) {
    if (binaryLogit()) {
      return SigmoidOutputs.binary(raw, probability, prediction);
    }
    if (isMultiLabel()) {
      return SigmoidOutputs.multiLabel(raw, probability, prediction);
    }
    return OutputColumns.classifierValues(raw, probability, prediction);
  }

  /**
   * The raw prediction of one features vector: the logits shifted to mean 0, as the {@code
   * rawPrediction} column of {@link #transform} (MLlib's {@code predictRaw}). Computed on the CPU
   * of the calling thread, with no Spark job.
   *
   * @throws IllegalArgumentException if {@code features} is null, not of size {@link
   *     #numFeatures()}, or not finite
   */
  public Vector predictRaw(Vector features) {
    return (Vector) predictValues(features, values(true, true, true))[0];
  }

  /**
   * The class probabilities of one features vector (the softmax of the logits), as the {@code
   * probability} column of {@link #transform} (MLlib's {@code predictProbability}).
   *
   * @throws IllegalArgumentException as {@link #predictRaw}
   */
  public Vector predictProbability(Vector features) {
    return (Vector) predictValues(features, values(true, true, true))[1];
  }

  /**
   * The most probable class of one features vector, as the {@code prediction} column of {@link
   * #transform} (MLlib's {@code predict}).
   *
   * @throws IllegalArgumentException as {@link #predictRaw}
   * @throws IllegalStateException for a multi-label model (use {@link #predictLabels})
   */
  public double predict(Vector features) {
    if (isMultiLabel()) {
      throw new IllegalStateException(
          "this model is multi-label ("
              + numOutputs()
              + " labels, loss bce_with_logits): its prediction is a vector; use predictLabels");
    }
    return (Double) predictValues(features, values(true, true, true))[2];
  }

  /**
   * The predicted 0/1 of each label for one features vector, as the {@code prediction} column of a
   * multi-label model's {@link #transform} (1 where the label's probability is above 0.5).
   *
   * @throws IllegalArgumentException as {@link #predictRaw}
   * @throws IllegalStateException if the model is not multi-label
   */
  public Vector predictLabels(Vector features) {
    if (!isMultiLabel()) {
      throw new IllegalStateException(
          "this model predicts one class per row; use predict (predictLabels is for multi-label"
              + " models trained with bce_with_logits on a vector or array label)");
    }
    return (Vector) predictValues(features, values(true, true, true))[2];
  }

  /** Sets the raw prediction column; empty to leave it out. */
  public NeuralNetClassificationModel setRawPredictionCol(String value) {
    set(rawPredictionCol(), value);
    return this;
  }

  /** Sets the probability column; empty to leave it out. */
  public NeuralNetClassificationModel setProbabilityCol(String value) {
    set(probabilityCol(), value);
    return this;
  }

  @Override
  public NeuralNetClassificationModel copy(ParamMap extra) {
    NeuralNetClassificationModel m =
        copyValues(
            new NeuralNetClassificationModel(
                uid(), networkSpec(), weightsShared(), buffersShared()),
            extra);
    m.setSummary(hasSummary() ? summary() : null);
    return m.setParent(parent());
  }

  @Override
  StructType outputSchema(StructType schema) {
    return OutputColumns.classifier(this, schema, numClasses(), isMultiLabel());
  }

  @Override
  Scoring.Outputs outputs() {
    return values(
        !getRawPredictionCol().isEmpty(),
        !getProbabilityCol().isEmpty(),
        !getPredictionCol().isEmpty());
  }

  @Override
  OnnxOutputs onnxOutputs() {
    if (getLoss().equals("bce_with_logits")) {
      return new OnnxOutputs.SigmoidClassifier(
          getRawPredictionCol(), getProbabilityCol(), getPredictionCol(), isMultiLabel());
    }
    return new OnnxOutputs.Classifier(
        getRawPredictionCol(), getProbabilityCol(), getPredictionCol());
  }

  /** A reader of saved models. */
  public static MLReader<NeuralNetClassificationModel> read() {
    return new ModelReader<>(
        NeuralNetClassificationModel.class,
        (uid, spec, weights, buffers, vectorOutput) ->
            new NeuralNetClassificationModel(uid, spec, weights, buffers));
  }

  /** Loads a model saved with {@code write().save(path)} (or in a saved pipeline). */
  public static NeuralNetClassificationModel load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "NeuralNetClassificationModel: uid="
        + uid()
        + ", numClasses="
        + numClasses()
        + ", numFeatures="
        + numFeatures();
  }
}
