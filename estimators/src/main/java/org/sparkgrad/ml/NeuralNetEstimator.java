package org.sparkgrad.ml;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.params.ParamDecl.Task;
import org.sparkgrad.ml.params.ParamSet;
import org.sparkgrad.ml.train.TrainingDivergedException;
import org.sparkgrad.ml.train.TrainingListener;

/**
 * What {@link NeuralNetClassifier} and {@link NeuralNetRegressor} share: the params with their
 * setters, the training listener, copying, saving, and the fit itself ({@link Fitting}).
 *
 * <p>It extends Spark's {@link Estimator} directly, with the params declared in the Java interface
 * {@link NeuralNetParams}, rather than MLlib's {@code ProbabilisticClassifier}: from Java, the
 * latter's Scala trait params would be built in the super constructor before this class's uid is
 * set (docs/TRAINING.md).
 *
 * @param <M> the model
 * @param <E> the concrete estimator, returned by the setters
 */
public abstract class NeuralNetEstimator<
        M extends NeuralNetModel<M>, E extends NeuralNetEstimator<M, E>>
    extends Estimator<M> implements NeuralNetParams, MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final ParamSet paramSet;
  private transient TrainingListener listener;
  private transient NeuralNetModel<?> initialModel;

  /** An estimator with the given uid; {@code classifier} selects the classifier's params. */
  protected NeuralNetEstimator(String uid, boolean classifier) {
    this.uid = uid;
    this.paramSet =
        new ParamSet(
            this,
            classifier ? Task.CLASSIFICATION : Task.REGRESSION,
            NeuralNetParams.declarations());
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public ParamSet paramSet() {
    return paramSet;
  }

  /** This estimator as its concrete type. */
  protected abstract E self();

  /** Sets the listener called on the driver after each epoch (not a param; null for none). */
  public E setTrainingListener(TrainingListener listener) {
    this.listener = listener;
    return self();
  }

  /** The training listener, or null. */
  public TrainingListener getTrainingListener() {
    return listener;
  }

  /** A copy with the same uid, params (overridden by {@code extra}), listener and initial model. */
  @Override
  public E copy(ParamMap extra) {
    E c = defaultCopy(extra);
    c.setTrainingListener(listener);
    c.setInitialModel(initialModel);
    return c;
  }

  /** The output schema; checks the input columns and that the output columns are new. */
  @Override
  public StructType transformSchema(StructType schema) {
    Fitting.checkInputSchema(this, schema, isClassifier());
    return outputSchema(schema);
  }

  /** True for the classifier. */
  abstract boolean isClassifier();

  /** {@code schema} with the model's output columns added. */
  abstract StructType outputSchema(StructType schema);

  /** The model of a finished fit. */
  abstract M createModel(Fitting.Outcome outcome);

  /**
   * Trains a model on {@code dataset}, data-parallel over its partitions (see {@link Fitting}).
   *
   * @throws IllegalArgumentException for invalid params, columns or rows, naming the culprit
   * @throws TrainingDivergedException if the loss becomes NaN or infinite
   */
  @Override
  public M fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    Fitting.Outcome outcome = Fitting.fit(this, dataset, isClassifier(), listener, initialModel);
    M model = copyValues(createModel(outcome), ParamMap.empty());
    model.setParent(this);
    model.setSummary(outcome.summary());
    return model;
  }

  /** A writer of the params (MLlib's {@code DefaultParamsWriter}). */
  @Override
  public MLWriter write() {
    return new DefaultParamsWriter(this);
  }

  /** Sets the features column. */
  public E setFeaturesCol(String value) {
    set(featuresCol(), value);
    return self();
  }

  /**
   * Sets several feature columns, each its own input tensor of the module's {@code
   * forward(Tensor...)}, in order (see {@link #featuresCols()}); empty to read {@code featuresCol}.
   */
  public E setFeaturesCols(String... value) {
    set(featuresCols(), value.clone());
    return self();
  }

  /** Sets the label column. */
  public E setLabelCol(String value) {
    set(labelCol(), value);
    return self();
  }

  /** Sets the weight column; unset or empty for none. */
  public E setWeightCol(String value) {
    set(weightCol(), value);
    return self();
  }

  /** Sets the prediction column. */
  public E setPredictionCol(String value) {
    set(predictionCol(), value);
    return self();
  }

  /** Sets the hidden layer sizes of the simple network. */
  public E setHiddenLayers(int[] value) {
    set(hiddenLayers(), value.clone());
    return self();
  }

  /** Sets the activation of the simple network. */
  public E setActivation(String value) {
    set(activation(), value);
    return self();
  }

  /** Sets the dropout probability of the simple network. */
  public E setDropout(double value) {
    set(dropout(), value);
    return self();
  }

  /** Sets the JSON network description; empty for the simple network. */
  public E setNetwork(String value) {
    set(network(), value);
    return self();
  }

  /**
   * Sets the factory of the user's own module, which becomes the network (a lambda or an object;
   * see {@link ModuleFactory}). Not to be combined with {@code network} or {@code moduleClass}.
   */
  public E setModuleFactory(ModuleFactory value) {
    set(moduleFactory(), value);
    return self();
  }

  /**
   * Sets the name of a {@link ModuleFactory} class with a public no-argument constructor, whose
   * module becomes the network; empty for none. Not to be combined with {@code network} or {@code
   * moduleFactory}.
   */
  public E setModuleClass(String value) {
    set(moduleClass(), value);
    return self();
  }

  /**
   * Sets the shape each row's flat features are reshaped to before the first layer of the {@code
   * network} param or the user's module (for example {@code [1, 28, 28]}); empty for flat rows.
   */
  public E setInputShape(int[] value) {
    set(inputShape(), value.clone());
    return self();
  }

  /** Sets the loss function. */
  public E setLoss(String value) {
    set(loss(), value);
    return self();
  }

  /** Sets the optimizer. */
  public E setOptimizer(String value) {
    set(optimizer(), value);
    return self();
  }

  /** Sets the (peak) learning rate. */
  public E setLearningRate(double value) {
    set(learningRate(), value);
    return self();
  }

  /** Sets the momentum of sgd and rmsprop. */
  public E setMomentum(double value) {
    set(momentum(), value);
    return self();
  }

  /** Sets the weight decay. */
  public E setWeightDecay(double value) {
    set(weightDecay(), value);
    return self();
  }

  /** Sets the learning-rate schedule. */
  public E setLrSchedule(String value) {
    set(lrSchedule(), value);
    return self();
  }

  /** Sets the epochs between decays of the step schedule. */
  public E setLrStepSize(int value) {
    set(lrStepSize(), value);
    return self();
  }

  /** Sets the decay factor of the step schedule. */
  public E setLrGamma(double value) {
    set(lrGamma(), value);
    return self();
  }

  /** Sets the optimizer steps of learning-rate warm-up. */
  public E setWarmupSteps(int value) {
    set(warmupSteps(), value);
    return self();
  }

  /** Sets the gradient clipping norm; 0 for none. */
  public E setGradClipNorm(double value) {
    set(gradClipNorm(), value);
    return self();
  }

  /** Sets the rows of one global minibatch. */
  public E setBatchSize(int value) {
    set(batchSize(), value);
    return self();
  }

  /** Sets the number of passes over the data. */
  public E setMaxEpochs(int value) {
    set(maxEpochs(), value);
    return self();
  }

  /** Sets the random seed. */
  public E setSeed(long value) {
    set(seed(), value);
    return self();
  }

  /** Sets whether rows are reshuffled every epoch. */
  public E setShuffle(boolean value) {
    set(shuffle(), value);
    return self();
  }

  /** Sets whether an incomplete last minibatch is skipped. */
  public E setDropLast(boolean value) {
    set(dropLast(), value);
    return self();
  }

  /** Sets the validation indicator column; unset or empty for none. */
  public E setValidationIndicatorCol(String value) {
    set(validationIndicatorCol(), value);
    return self();
  }

  /** Sets the early-stopping patience in epochs; 0 for none. */
  public E setEarlyStoppingPatience(int value) {
    set(earlyStoppingPatience(), value);
    return self();
  }

  /** Sets the device choice. */
  public E setDevice(String value) {
    set(device(), value);
    return self();
  }

  /**
   * Sets the number of partitions that train (the param is named for the replica of the network
   * each partition computes its share of a step on); 0 for the input's partitions, at most the
   * cluster's default parallelism.
   */
  public E setNumReplicas(int value) {
    set(numReplicas(), value);
    return self();
  }

  /**
   * Sets how training rows are kept: {@code memory} (one block per partition, deserialized, the
   * fastest while the data fits in the executors' memory), {@code stream} (chunks on the executors'
   * disks, {@code DISK_ONLY}, streamed each epoch in the epoch's order through the executors' local
   * disks, for data larger than their memory) or {@code auto} (the default: memory while the blocks
   * take at most half of the executors' storage memory, else stream). The model is the same either
   * way.
   */
  public E setDataStorage(String value) {
    set(dataStorage(), value);
    return self();
  }

  /**
   * Sets the number format of the training step, as {@code torch.autocast}: {@code float32} (the
   * default), {@code bf16} (the inputs of matrix products and convolutions rounded to bfloat16,
   * computed in float32, on the CPU and on GPUs) or {@code fp16} (IEEE half, with dynamic loss
   * scaling on the driver; GPUs only, as PyTorch's CPU autocast supports only bfloat16). The master
   * weights and the optimizer stay float32; reductions, softmax, losses and normalisation run in
   * float32. Validation in the fit uses the same format; {@code transform} scores in float32.
   */
  public E setPrecision(String value) {
    set(precision(), value);
    return self();
  }

  /**
   * Sets the micro-batches of {@code batchSize} rows per optimizer step (gradient accumulation):
   * one Spark job per optimizer step computes them one after another on each partition, so the
   * step's fixed cost is paid once per {@code batchSize * value} rows while memory holds the
   * activations of {@code batchSize} rows. Same result as {@code batchSize * value} up to float
   * summation order.
   */
  public E setGradAccumulationSteps(int value) {
    set(gradAccumulationSteps(), value);
    return self();
  }

  /**
   * Sets the optimizer steps each partition takes on its own rows between averagings (local SGD); 1
   * (the default) is synchronous training. With {@code k > 1} a Spark job runs once per {@code k}
   * minibatches; weights and optimizer state are averaged over partitions, weighted by rows. The
   * result differs from synchronous training (each partition's steps see only its rows).
   */
  public E setLocalSteps(int value) {
    set(localSteps(), value);
    return self();
  }

  /** Sets the rows per batch when scoring. */
  public E setInferBatchSize(int value) {
    set(inferBatchSize(), value);
    return self();
  }

  /**
   * Sets the checkpoint folder, a Hadoop path ({@code hdfs://}, {@code s3a://}, a local folder);
   * empty for no checkpoints. A fit whose folder holds a checkpoint of the same run resumes from
   * the newest valid one (see docs/CHECKPOINTS.md).
   */
  public E setCheckpointDir(String value) {
    set(checkpointDir(), value);
    return self();
  }

  /** Sets how many epochs or steps ({@code checkpointIntervalUnit}) between checkpoints. */
  public E setCheckpointInterval(int value) {
    set(checkpointInterval(), value);
    return self();
  }

  /** Sets the unit of {@code checkpointInterval}: {@code epoch} or {@code step}. */
  public E setCheckpointIntervalUnit(String value) {
    set(checkpointIntervalUnit(), value);
    return self();
  }

  /** Sets how many of the newest checkpoints are kept. */
  public E setKeepCheckpoints(int value) {
    set(keepCheckpoints(), value);
    return self();
  }

  /**
   * Sets whether a fit whose {@code checkpointDir} holds checkpoints of a different run deletes
   * them and trains from the start (true) or fails naming the differences (false, the default).
   */
  public E setCheckpointOverwrite(boolean value) {
    set(checkpointOverwrite(), value);
    return self();
  }

  /**
   * Sets the warm-start weights: a folder saved by {@code model.write().save(path)} or a
   * safetensors state dict ({@code 0.weight}, {@code 0.bias}, ...) of the same network; empty for
   * none. Training starts from these weights with a fresh optimizer state.
   */
  public E setInitialWeightsPath(String value) {
    set(initialWeightsPath(), value);
    return self();
  }

  /**
   * Sets a fitted model to warm-start from (not a param, like the training listener; null for
   * none): its network must be the one this fit builds. Training starts from its weights with a
   * fresh optimizer state, e.g. to fine-tune on new data.
   */
  public E setInitialModel(NeuralNetModel<?> model) {
    this.initialModel = model;
    return self();
  }

  /** The warm-start model, or null. */
  public NeuralNetModel<?> getInitialModel() {
    return initialModel;
  }
}
