package org.sparkgrad.ml;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.data.Columns;

/**
 * A neural-network classifier trained data-parallel on Spark: every step, each partition computes
 * the float32 gradient of its rows of the global minibatch and sends it to the driver over the step
 * channel (or as the result of one Spark job per step when {@code
 * spark.sparkgrad.fit.transport=jobs}); the driver sums the gradients once, in double, in partition
 * order, so both ways give the same model bit for bit, and applies the optimizer
 * (docs/TRAINING.md).
 *
 * <pre>{@code
 * NeuralNetClassificationModel model = new NeuralNetClassifier()
 *     .setHiddenLayers(new int[] {128})
 *     .setMaxEpochs(5)
 *     .fit(train);
 * Dataset<Row> scored = model.transform(test); // rawPrediction, probability, prediction
 * }</pre>
 *
 * <p>Labels are class indices 0, 1, ..., {@code numClasses - 1}; the number of classes comes, as in
 * MLlib, from the label column's nominal metadata, else from the largest label + 1 (at most 100),
 * or from the {@code network} param's output size. The loss is softmax cross-entropy.
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
public final class NeuralNetClassifier
    extends NeuralNetEstimator<NeuralNetClassificationModel, NeuralNetClassifier>
    implements NeuralNetClassifierParams {
  private static final long serialVersionUID = 1L;

  /** A classifier with a random uid. */
  public NeuralNetClassifier() {
    this(Identifiable.randomUID("nnClassifier"));
  }

  /** A classifier with the given uid. */
  public NeuralNetClassifier(String uid) {
    super(uid, true);
  }

  @Override
  protected NeuralNetClassifier self() {
    return this;
  }

  /**
   * A copy with the same uid, params (overridden by {@code extra}), listener and initial model.
   * Declared here so that its return type is this class, not its erasure (MLlib's {@code
   * ParamsSuite.checkParams} asks {@code getClass().getMethod("copy", ParamMap.class)}).
   */
  @Override
  public NeuralNetClassifier copy(ParamMap extra) {
    return super.copy(extra);
  }

  /** Sets the raw prediction (centred logits) column; empty to leave it out. */
  public NeuralNetClassifier setRawPredictionCol(String value) {
    set(rawPredictionCol(), value);
    return this;
  }

  /** Sets the probability column; empty to leave it out. */
  public NeuralNetClassifier setProbabilityCol(String value) {
    set(probabilityCol(), value);
    return this;
  }

  /**
   * Sets the weight of each class in the loss, PyTorch's {@code CrossEntropyLoss(weight=...)}: one
   * per class (for binary {@code bce_with_logits} the weights of labels 0 and 1; for multi-label
   * one per label, PyTorch's per-class {@code weight} of {@code BCEWithLogitsLoss}); empty for
   * none.
   */
  public NeuralNetClassifier setClassWeights(double[] value) {
    set(classWeights(), value.clone());
    return this;
  }

  /**
   * Sets the label smoothing in [0, 1), PyTorch's {@code CrossEntropyLoss(label_smoothing=...)}; a
   * {@code bce_with_logits} target becomes {@code y (1 - s) + s / 2}.
   */
  public NeuralNetClassifier setLabelSmoothing(double value) {
    set(labelSmoothing(), value);
    return this;
  }

  @Override
  boolean isClassifier() {
    return true;
  }

  @Override
  StructType outputSchema(StructType schema) {
    boolean multiLabel =
        getLoss().equals("bce_with_logits")
            && java.util.Arrays.asList(schema.fieldNames()).contains(getLabelCol())
            && Columns.isMultiValued(schema.apply(getLabelCol()).dataType());
    return OutputColumns.classifier(this, schema, -1, multiLabel);
  }

  @Override
  NeuralNetClassificationModel createModel(Fitting.Outcome o) {
    return new NeuralNetClassificationModel(o.uid(), o.spec(), o.weights(), o.buffers());
  }

  /** A reader of saved classifiers (params only). */
  public static MLReader<NeuralNetClassifier> read() {
    return new DefaultParamsReader<>();
  }

  /** Loads a classifier saved with {@code write().save(path)}. */
  public static NeuralNetClassifier load(String path) {
    return read().load(path);
  }
}
