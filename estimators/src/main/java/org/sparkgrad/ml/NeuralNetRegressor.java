package org.sparkgrad.ml;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;

/**
 * A neural-network regressor trained data-parallel on Spark, as {@link NeuralNetClassifier} is: the
 * partitions' float32 gradients summed once at the driver, in double, in partition order, whichever
 * transport carried them. The label is a number, or an ML vector for several outputs (then {@code
 * prediction} is a vector too); the loss is {@code mse} (default), {@code l1} or {@code huber},
 * averaged over outputs.
 *
 * <p><b>Checkpoints and warm start.</b> With {@code checkpointDir} set, the fit writes checkpoints
 * (weights, optimizer state, sampler position, partial epoch sums, history, early-stopping state)
 * atomically through the Hadoop {@code FileSystem} every {@code checkpointInterval} epochs or steps
 * ({@code checkpointIntervalUnit}), keeping the newest {@code keepCheckpoints}; a fit started again
 * with the same folder resumes from the newest intact checkpoint and ends with the model of an
 * uninterrupted fit. A damaged checkpoint is skipped with a warning; another run's checkpoint fails
 * the fit naming each difference unless {@code checkpointOverwrite} is set. {@code setInitialModel}
 * or {@code initialWeightsPath} start from a fitted model's weights. Fits from several threads of
 * one session share no state. See {@code docs/CHECKPOINTS.md}.
 */
public final class NeuralNetRegressor
    extends NeuralNetEstimator<NeuralNetRegressionModel, NeuralNetRegressor>
    implements NeuralNetRegressorParams {
  private static final long serialVersionUID = 1L;

  /** A regressor with a random uid. */
  public NeuralNetRegressor() {
    this(Identifiable.randomUID("nnRegressor"));
  }

  /** A regressor with the given uid. */
  public NeuralNetRegressor(String uid) {
    super(uid, false);
  }

  @Override
  protected NeuralNetRegressor self() {
    return this;
  }

  /**
   * A copy with the same uid, params (overridden by {@code extra}), listener and initial model.
   * Declared here so that its return type is this class, not its erasure (MLlib's {@code
   * ParamsSuite.checkParams} asks {@code getClass().getMethod("copy", ParamMap.class)}).
   */
  @Override
  public NeuralNetRegressor copy(ParamMap extra) {
    return super.copy(extra);
  }

  @Override
  boolean isClassifier() {
    return false;
  }

  @Override
  StructType outputSchema(StructType schema) {
    return OutputColumns.regressor(this, schema, false, -1);
  }

  @Override
  NeuralNetRegressionModel createModel(Fitting.Outcome o) {
    return new NeuralNetRegressionModel(
            o.uid(), o.spec(), o.weights(), o.buffers(), o.vectorOutput())
        .setLabelScale(o.labelScale());
  }

  /**
   * Sets how the label is scaled for training: {@code auto} (the default) standardises each label
   * value with the training rows' mean and standard deviation, trains on that, and the model undoes
   * it in every prediction ({@code labelMean}, {@code labelStd}); {@code none} trains on the raw
   * label. The loss in the training summary is then in standardised units; the rmse metric is in
   * the label's units either way.
   */
  public NeuralNetRegressor setLabelScaling(String value) {
    set(labelScaling(), value);
    return this;
  }

  /** A reader of saved regressors (params only). */
  public static MLReader<NeuralNetRegressor> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads a regressor saved with {@code write().save(path)}. */
  public static NeuralNetRegressor load(String path) {
    return read().load(path);
  }
}
