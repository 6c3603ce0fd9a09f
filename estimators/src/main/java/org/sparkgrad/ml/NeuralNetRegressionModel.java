package org.sparkgrad.ml;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.onnx.OnnxOutputs;
import org.sparkgrad.ml.params.ParamDecl.Task;
import org.sparkgrad.ml.params.ParamSet;
import org.sparkgrad.ml.params.RegressorParams;
import org.sparkgrad.ml.train.NetworkSpec;

/**
 * A fitted {@link NeuralNetRegressor}. {@code transform} adds {@code prediction}: a number, or an
 * ML vector if the model was trained on vector labels. If the fit standardised the label ({@code
 * labelScaling=auto}), {@link #labelMean} and {@link #labelStd} hold its statistics and every
 * prediction is the network's output times the std plus the mean; a model saved before label
 * scaling existed loads with both empty and predicts the network's output as it did.
 */
public final class NeuralNetRegressionModel extends NeuralNetModel<NeuralNetRegressionModel>
    implements NeuralNetRegressorParams {
  private static final long serialVersionUID = 1L;

  private final boolean vectorOutput;
  // The params only a fitted model has, made after the shared ones (the uid is set by then).
  private final ParamSet fitted =
      new ParamSet(this, Task.REGRESSION, RegressorParams.MODEL_DECLARED);

  /**
   * A model of {@code spec} with flat {@code weights} (in parameter order).
   *
   * @param vectorOutput whether {@code prediction} is a vector (trained on vector labels)
   */
  public NeuralNetRegressionModel(
      String uid, NetworkSpec spec, float[] weights, boolean vectorOutput) {
    this(uid, spec, weights, null, vectorOutput);
  }

  /**
   * A model of {@code spec} with flat {@code weights} (in parameter order) and {@code buffers}
   * (batch norm's running statistics, in state-dict order; null for a new network's).
   *
   * @param vectorOutput whether {@code prediction} is a vector (trained on vector labels)
   */
  public NeuralNetRegressionModel(
      String uid, NetworkSpec spec, float[] weights, float[] buffers, boolean vectorOutput) {
    super(uid, false, spec, weights, buffers);
    if (!vectorOutput && spec.outputSize() != 1) {
      throw new IllegalArgumentException(
          "a regression model with a number prediction needs a network of 1 output, got "
              + spec.outputSize());
    }
    this.vectorOutput = vectorOutput;
  }

  /** Param for the mean of each label value subtracted in the fit; empty if not scaled. */
  public DoubleArrayParam labelMean() {
    return fitted.get(RegressorParams.LABEL_MEAN);
  }

  /** Returns the mean of each label value subtracted in the fit; empty if not scaled. */
  public double[] getLabelMean() {
    return getOrDefault(labelMean()).clone();
  }

  /** Param for the standard deviation of each label value divided by in the fit; empty: none. */
  public DoubleArrayParam labelStd() {
    return fitted.get(RegressorParams.LABEL_STD);
  }

  /** Returns the standard deviation of each label value divided by in the fit; empty: none. */
  public double[] getLabelStd() {
    return getOrDefault(labelStd()).clone();
  }

  /** Keeps the label standardisation of the fit (null: none). */
  NeuralNetRegressionModel setLabelScale(LabelScale scale) {
    if (scale != null) {
      if (scale.mean().length != numOutputs()) {
        throw new IllegalArgumentException(
            "labelMean has "
                + scale.mean().length
                + " values but the network has "
                + numOutputs()
                + " outputs");
      }
      set(labelMean(), scale.mean());
      set(labelStd(), scale.std());
    }
    return this;
  }

  /** The label standardisation predictions undo, or null. */
  LabelScale labelScale() {
    double[] mean = getOrDefault(labelMean());
    double[] std = getOrDefault(labelStd());
    if (mean.length == 0 && std.length == 0) {
      return null;
    }
    if (mean.length != numOutputs()) {
      throw new IllegalArgumentException(
          "labelMean has "
              + mean.length
              + " values but the network has "
              + numOutputs()
              + " outputs; the model is damaged");
    }
    return new LabelScale(mean, std);
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
    return (Double)
        predictValues(features, OutputColumns.regressorValues(true, false, labelScale()))[0];
  }

  /**
   * The network's {@link #numOutputs()} outputs for one features vector: the {@code prediction}
   * column of {@link #transform} for a model trained on vector labels.
   *
   * @throws IllegalArgumentException as {@link #predict}
   */
  public Vector predictVector(Vector features) {
    return (Vector)
        predictValues(features, OutputColumns.regressorValues(true, true, labelScale()))[0];
  }

  @Override
  public NeuralNetRegressionModel copy(ParamMap extra) {
    NeuralNetRegressionModel m =
        copyValues(
            new NeuralNetRegressionModel(
                uid(), networkSpec(), weightsShared(), buffersShared(), vectorOutput),
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
    return OutputColumns.regressorValues(!getPredictionCol().isEmpty(), vectorOutput, labelScale());
  }

  @Override
  OnnxOutputs onnxOutputs() {
    LabelScale s = labelScale();
    return new OnnxOutputs.Regressor(
        getPredictionCol(),
        vectorOutput,
        s == null ? null : boxed(s.meanFloats()),
        s == null ? null : boxed(s.stdFloats()));
  }

  private static java.util.List<Float> boxed(float[] v) {
    java.util.List<Float> out = new java.util.ArrayList<>(v.length);
    for (float f : v) {
      out.add(f);
    }
    return out;
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
