package org.sparkgrad.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * The params shared by {@link NeuralNetClassifier}, {@link NeuralNetRegressor} and their models.
 * Each is a public no-argument method returning the {@link Param}, which is how Spark's {@code
 * params()} finds params (by reflection; a field would be ignored), with a getter beside it; the
 * estimators and models add the setters. The {@code Param} objects themselves live in the
 * instance's {@link NeuralNetParamSet}, built once its uid is known.
 *
 * <p>The network is either the simple one ({@code hiddenLayers}, {@code activation}, {@code
 * dropout}: {@code Linear} layers of those sizes, each followed by the activation and, if {@code
 * dropout > 0}, {@code Dropout}, then an output {@code Linear}), any {@code Sequential} described
 * by {@code network}, or a user's own {@code Module} built by {@code moduleFactory} or {@code
 * moduleClass} ({@link UserModuleParams}); the input and output sizes come from the data.
 */
public interface NeuralNetParams extends UserModuleParams {
  /**
   * The {@code Param} objects of this instance; an implementation detail of the default methods.
   */
  @Override
  NeuralNetParamSet paramSet();

  /** True if {@code param} is set to a non-empty string (for the optional column params). */
  default boolean isNonEmpty(Param<String> param) {
    return isDefined(param) && !getOrDefault(param).isEmpty();
  }

  /** Param for the features column. */
  default Param<String> featuresCol() {
    return paramSet().featuresCol;
  }

  /** Returns the features column. */
  default String getFeaturesCol() {
    return getOrDefault(featuresCol());
  }

  /**
   * Param for several feature columns, each its own input tensor of a module whose forward takes
   * several ({@code forward(Tensor...)}); empty to read {@code featuresCol} alone.
   */
  default StringArrayParam featuresCols() {
    return paramSet().featuresCols;
  }

  /** Returns the feature columns; empty when {@code featuresCol} is read alone. */
  default String[] getFeaturesCols() {
    return getOrDefault(featuresCols()).clone();
  }

  /** The feature columns read: {@code featuresCols}, or {@code featuresCol} alone. */
  default java.util.List<String> featureColumns() {
    String[] cols = getFeaturesCols();
    return cols.length > 0 ? java.util.List.of(cols) : java.util.List.of(getFeaturesCol());
  }

  /** Param for the label column. */
  default Param<String> labelCol() {
    return paramSet().labelCol;
  }

  /** Returns the label column. */
  default String getLabelCol() {
    return getOrDefault(labelCol());
  }

  /** Param for the weight column; unset or empty for none. */
  default Param<String> weightCol() {
    return paramSet().weightCol;
  }

  /** Returns the weight column; unset or empty for none. */
  default String getWeightCol() {
    return getOrDefault(weightCol());
  }

  /** Param for the prediction column. */
  default Param<String> predictionCol() {
    return paramSet().predictionCol;
  }

  /** Returns the prediction column. */
  default String getPredictionCol() {
    return getOrDefault(predictionCol());
  }

  /** Param for the hidden layer sizes of the simple network. */
  default IntArrayParam hiddenLayers() {
    return paramSet().hiddenLayers;
  }

  /** Returns the hidden layer sizes of the simple network. */
  default int[] getHiddenLayers() {
    return getOrDefault(hiddenLayers()).clone();
  }

  /** Param for the activation of the simple network. */
  default Param<String> activation() {
    return paramSet().activation;
  }

  /** Returns the activation of the simple network. */
  default String getActivation() {
    return getOrDefault(activation());
  }

  /** Param for the dropout probability of the simple network. */
  default DoubleParam dropout() {
    return paramSet().dropout;
  }

  /** Returns the dropout probability of the simple network. */
  default double getDropout() {
    return (Double) getOrDefault(dropout());
  }

  /** Param for the JSON network description; empty for the simple network. */
  default Param<String> network() {
    return paramSet().network;
  }

  /** Returns the JSON network description; empty for the simple network. */
  default String getNetwork() {
    return getOrDefault(network());
  }

  /**
   * Param for the shape each row's flat features are reshaped to before the network's first layer,
   * row-major (for example {@code [1, 28, 28]} for 28x28 images of one channel); empty for flat
   * rows.
   */
  default IntArrayParam inputShape() {
    return paramSet().inputShape;
  }

  /** Returns the shape rows are reshaped to; empty for flat rows. */
  default int[] getInputShape() {
    return getOrDefault(inputShape()).clone();
  }

  /** Param for the loss function. */
  default Param<String> loss() {
    return paramSet().loss;
  }

  /** Returns the loss function. */
  default String getLoss() {
    return getOrDefault(loss());
  }

  /** Param for the optimizer. */
  default Param<String> optimizer() {
    return paramSet().optimizer;
  }

  /** Returns the optimizer. */
  default String getOptimizer() {
    return getOrDefault(optimizer());
  }

  /** Param for the (peak) learning rate. */
  default DoubleParam learningRate() {
    return paramSet().learningRate;
  }

  /** Returns the (peak) learning rate. */
  default double getLearningRate() {
    return (Double) getOrDefault(learningRate());
  }

  /** Param for the momentum of sgd and rmsprop. */
  default DoubleParam momentum() {
    return paramSet().momentum;
  }

  /** Returns the momentum of sgd and rmsprop. */
  default double getMomentum() {
    return (Double) getOrDefault(momentum());
  }

  /** Param for the weight decay. */
  default DoubleParam weightDecay() {
    return paramSet().weightDecay;
  }

  /** Returns the weight decay. */
  default double getWeightDecay() {
    return (Double) getOrDefault(weightDecay());
  }

  /** Param for the learning-rate schedule. */
  default Param<String> lrSchedule() {
    return paramSet().lrSchedule;
  }

  /** Returns the learning-rate schedule. */
  default String getLrSchedule() {
    return getOrDefault(lrSchedule());
  }

  /** Param for the epochs between decays of the step schedule. */
  default IntParam lrStepSize() {
    return paramSet().lrStepSize;
  }

  /** Returns the epochs between decays of the step schedule. */
  default int getLrStepSize() {
    return (Integer) getOrDefault(lrStepSize());
  }

  /** Param for the decay factor of the step schedule. */
  default DoubleParam lrGamma() {
    return paramSet().lrGamma;
  }

  /** Returns the decay factor of the step schedule. */
  default double getLrGamma() {
    return (Double) getOrDefault(lrGamma());
  }

  /** Param for the optimizer steps of learning-rate warm-up. */
  default IntParam warmupSteps() {
    return paramSet().warmupSteps;
  }

  /** Returns the optimizer steps of learning-rate warm-up. */
  default int getWarmupSteps() {
    return (Integer) getOrDefault(warmupSteps());
  }

  /** Param for the gradient clipping norm; 0 for none. */
  default DoubleParam gradClipNorm() {
    return paramSet().gradClipNorm;
  }

  /** Returns the gradient clipping norm; 0 for none. */
  default double getGradClipNorm() {
    return (Double) getOrDefault(gradClipNorm());
  }

  /** Param for the rows of one global minibatch. */
  default IntParam batchSize() {
    return paramSet().batchSize;
  }

  /** Returns the rows of one global minibatch. */
  default int getBatchSize() {
    return (Integer) getOrDefault(batchSize());
  }

  /** Param for the number of passes over the data. */
  default IntParam maxEpochs() {
    return paramSet().maxEpochs;
  }

  /** Returns the number of passes over the data. */
  default int getMaxEpochs() {
    return (Integer) getOrDefault(maxEpochs());
  }

  /** Param for the random seed. */
  default LongParam seed() {
    return paramSet().seed;
  }

  /** Returns the random seed. */
  default long getSeed() {
    return (Long) getOrDefault(seed());
  }

  /** Param for whether rows are reshuffled every epoch. */
  default BooleanParam shuffle() {
    return paramSet().shuffle;
  }

  /** Returns whether rows are reshuffled every epoch. */
  default boolean getShuffle() {
    return (Boolean) getOrDefault(shuffle());
  }

  /** Param for whether an incomplete last minibatch is skipped. */
  default BooleanParam dropLast() {
    return paramSet().dropLast;
  }

  /** Returns whether an incomplete last minibatch is skipped. */
  default boolean getDropLast() {
    return (Boolean) getOrDefault(dropLast());
  }

  /** Param for the validation indicator column; unset or empty for none. */
  default Param<String> validationIndicatorCol() {
    return paramSet().validationIndicatorCol;
  }

  /** Returns the validation indicator column; unset or empty for none. */
  default String getValidationIndicatorCol() {
    return getOrDefault(validationIndicatorCol());
  }

  /** Param for the early-stopping patience in epochs; 0 for none. */
  default IntParam earlyStoppingPatience() {
    return paramSet().earlyStoppingPatience;
  }

  /** Returns the early-stopping patience in epochs; 0 for none. */
  default int getEarlyStoppingPatience() {
    return (Integer) getOrDefault(earlyStoppingPatience());
  }

  /** Param for the device choice. */
  default Param<String> device() {
    return paramSet().device;
  }

  /** Returns the device choice. */
  default String getDevice() {
    return getOrDefault(device());
  }

  /** Param for the number of training partitions; 0 for the default. */
  default IntParam numReplicas() {
    return paramSet().numReplicas;
  }

  /** Returns the number of training partitions; 0 for the default. */
  default int getNumReplicas() {
    return (Integer) getOrDefault(numReplicas());
  }

  /** Param for how training rows are kept: auto, memory or stream. */
  default Param<String> dataStorage() {
    return paramSet().dataStorage;
  }

  /** Returns how training rows are kept: auto, memory or stream. */
  default String getDataStorage() {
    return getOrDefault(dataStorage());
  }

  /** Param for the number format of the training step: float32, bf16 or fp16. */
  default Param<String> precision() {
    return paramSet().precision;
  }

  /** Returns the number format of the training step: float32, bf16 or fp16. */
  default String getPrecision() {
    return getOrDefault(precision());
  }

  /** Param for the micro-batches per optimizer step (gradient accumulation); 1 for none. */
  default IntParam gradAccumulationSteps() {
    return paramSet().gradAccumulationSteps;
  }

  /** Returns the micro-batches per optimizer step. */
  default int getGradAccumulationSteps() {
    return (Integer) getOrDefault(gradAccumulationSteps());
  }

  /** Param for the optimizer steps each partition takes between averagings; 1: synchronous. */
  default IntParam localSteps() {
    return paramSet().localSteps;
  }

  /** Returns the optimizer steps each partition takes between averagings. */
  default int getLocalSteps() {
    return (Integer) getOrDefault(localSteps());
  }

  /** Param for the rows per batch when scoring. */
  default IntParam inferBatchSize() {
    return paramSet().inferBatchSize;
  }

  /** Returns the rows per batch when scoring. */
  default int getInferBatchSize() {
    return (Integer) getOrDefault(inferBatchSize());
  }

  /** Param for the checkpoint folder (a Hadoop path); empty for no checkpoints. */
  default Param<String> checkpointDir() {
    return paramSet().checkpointDir;
  }

  /** Returns the checkpoint folder (a Hadoop path); empty for no checkpoints. */
  default String getCheckpointDir() {
    return getOrDefault(checkpointDir());
  }

  /** Param for how many epochs or steps ({@code checkpointIntervalUnit}) between checkpoints. */
  default IntParam checkpointInterval() {
    return paramSet().checkpointInterval;
  }

  /** Returns how many epochs or steps ({@code checkpointIntervalUnit}) between checkpoints. */
  default int getCheckpointInterval() {
    return (Integer) getOrDefault(checkpointInterval());
  }

  /** Param for the unit of {@code checkpointInterval}: {@code epoch} or {@code step}. */
  default Param<String> checkpointIntervalUnit() {
    return paramSet().checkpointIntervalUnit;
  }

  /** Returns the unit of {@code checkpointInterval}: {@code epoch} or {@code step}. */
  default String getCheckpointIntervalUnit() {
    return getOrDefault(checkpointIntervalUnit());
  }

  /** Param for how many of the newest checkpoints are kept. */
  default IntParam keepCheckpoints() {
    return paramSet().keepCheckpoints;
  }

  /** Returns how many of the newest checkpoints are kept. */
  default int getKeepCheckpoints() {
    return (Integer) getOrDefault(keepCheckpoints());
  }

  /** Param for starting over when {@code checkpointDir} holds another run's checkpoints. */
  default BooleanParam checkpointOverwrite() {
    return paramSet().checkpointOverwrite;
  }

  /** Returns whether a fit starts over when {@code checkpointDir} holds another run's. */
  default boolean getCheckpointOverwrite() {
    return (Boolean) getOrDefault(checkpointOverwrite());
  }

  /** Param for the warm-start weights: a saved model folder or a safetensors file; empty: none. */
  default Param<String> initialWeightsPath() {
    return paramSet().initialWeightsPath;
  }

  /** Returns the warm-start weights path; empty for none. */
  default String getInitialWeightsPath() {
    return getOrDefault(initialWeightsPath());
  }
}
