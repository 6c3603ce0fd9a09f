package org.sparkgrad.ml;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.io.ModelReader;
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

  @Override
  protected NeuralNetClassificationModel self() {
    return this;
  }

  /** The number of classes. */
  public int numClasses() {
    return numOutputs();
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
        copyValues(new NeuralNetClassificationModel(uid(), networkSpec(), weightsShared()), extra);
    m.setSummary(hasSummary() ? summary() : null);
    return m.setParent(parent());
  }

  @Override
  StructType outputSchema(StructType schema) {
    return OutputColumns.classifier(this, schema, numClasses());
  }

  @Override
  Scoring.Outputs outputs() {
    return OutputColumns.classifierValues(
        !getRawPredictionCol().isEmpty(),
        !getProbabilityCol().isEmpty(),
        !getPredictionCol().isEmpty());
  }

  @Override
  OnnxOutputs onnxOutputs() {
    return new OnnxOutputs.Classifier(
        getRawPredictionCol(), getProbabilityCol(), getPredictionCol());
  }

  /** A reader of saved models. */
  public static MLReader<NeuralNetClassificationModel> read() {
    return new ModelReader<>(
        NeuralNetClassificationModel.class,
        (uid, spec, weights, vectorOutput) -> new NeuralNetClassificationModel(uid, spec, weights));
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
