package org.sparkgrad.ml;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.io.ModelReader;
import org.sparkgrad.ml.onnx.OnnxOutputs;
import org.sparkgrad.ml.train.NetworkSpec;

/**
 * A fitted {@link NeuralNetRegressor}. {@code transform} adds {@code prediction}: a number, or an
 * ML vector if the model was trained on vector labels.
 */
public final class NeuralNetRegressionModel extends NeuralNetModel<NeuralNetRegressionModel> {
  private static final long serialVersionUID = 1L;

  private static final Scoring.Outputs NUMBER_OUTPUT = OutputColumns.regressorValues(true, false);
  private static final Scoring.Outputs VECTOR_OUTPUT = OutputColumns.regressorValues(true, true);

  private final boolean vectorOutput;

  /**
   * A model of {@code spec} with flat {@code weights} (in parameter order).
   *
   * @param vectorOutput whether {@code prediction} is a vector (trained on vector labels)
   */
  public NeuralNetRegressionModel(
      String uid, NetworkSpec spec, float[] weights, boolean vectorOutput) {
    super(uid, false, spec, weights);
    if (!vectorOutput && spec.outputSize() != 1) {
      throw new IllegalArgumentException(
          "a regression model with a number prediction needs a network of 1 output, got "
              + spec.outputSize());
    }
    this.vectorOutput = vectorOutput;
  }

  @Override
  protected NeuralNetRegressionModel self() {
    return this;
  }

  /** Whether {@code prediction} is a vector. */
  public boolean isVectorOutput() {
    return vectorOutput;
  }

  /**
   * The prediction for one features vector, as the {@code prediction} column of {@link #transform}
   * (MLlib's {@code predict}). Computed on the CPU of the calling thread, with no Spark job.
   *
   * @throws IllegalArgumentException if {@code features} is null, not of size {@link
   *     #numFeatures()}, or not finite
   * @throws IllegalStateException if the model predicts vectors (use {@link #predictVector})
   */
  public double predict(Vector features) {
    if (vectorOutput) {
      throw new IllegalStateException(
          "this model predicts vectors of "
              + numOutputs()
              + " outputs (it was trained on vector labels); use predictVector");
    }
    return (Double) predictValues(features, NUMBER_OUTPUT)[0];
  }

  /**
   * The network's {@link #numOutputs()} outputs for one features vector: the {@code prediction}
   * column of {@link #transform} for a model trained on vector labels.
   *
   * @throws IllegalArgumentException as {@link #predict}
   */
  public Vector predictVector(Vector features) {
    return (Vector) predictValues(features, VECTOR_OUTPUT)[0];
  }

  @Override
  public NeuralNetRegressionModel copy(ParamMap extra) {
    NeuralNetRegressionModel m =
        copyValues(
            new NeuralNetRegressionModel(uid(), networkSpec(), weightsShared(), vectorOutput),
            extra);
    m.setSummary(hasSummary() ? summary() : null);
    return m.setParent(parent());
  }

  @Override
  StructType outputSchema(StructType schema) {
    return OutputColumns.regressor(this, schema, vectorOutput, numOutputs());
  }

  @Override
  Scoring.Outputs outputs() {
    return OutputColumns.regressorValues(!getPredictionCol().isEmpty(), vectorOutput);
  }

  @Override
  OnnxOutputs onnxOutputs() {
    return new OnnxOutputs.Regressor(getPredictionCol(), vectorOutput);
  }

  /** A reader of saved models. */
  public static MLReader<NeuralNetRegressionModel> read() {
    return new ModelReader<>(NeuralNetRegressionModel.class, NeuralNetRegressionModel::new);
  }

  /** Loads a model saved with {@code write().save(path)} (or in a saved pipeline). */
  public static NeuralNetRegressionModel load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "NeuralNetRegressionModel: uid="
        + uid()
        + ", numOutputs="
        + numOutputs()
        + ", numFeatures="
        + numFeatures();
  }
}
