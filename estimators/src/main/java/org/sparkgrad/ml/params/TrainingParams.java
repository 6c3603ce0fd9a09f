package org.sparkgrad.ml.params;

import static org.sparkgrad.ml.params.ParamDecl.bool;
import static org.sparkgrad.ml.params.ParamDecl.intAtLeast;

import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;

/**
 * What one fit does: the loss, the minibatches and epochs, the seed, early stopping and a warm
 * start.
 */
public interface TrainingParams extends HasParamSet {
  /** The classifier's losses. */
  List<String> CLASSIFICATION_LOSSES = List.of("cross_entropy", "bce_with_logits");

  /** The regressor's losses. */
  List<String> REGRESSION_LOSSES = List.of("mse", "l1", "huber");

  ParamDecl<Param<String>> LOSS =
      ParamDecl.byTask(
          ParamDecl.choice("loss", "loss function", CLASSIFICATION_LOSSES, "cross_entropy"),
          ParamDecl.choice("loss", "loss function", REGRESSION_LOSSES, "mse"));

  ParamDecl<IntParam> BATCH_SIZE =
      intAtLeast(
          "batchSize",
          "rows in the global minibatch of one optimizer step, summed over all partitions",
          1,
          64);

  ParamDecl<IntParam> MAX_EPOCHS = intAtLeast("maxEpochs", "passes over the data", 1, 10);

  /** The default seed is the hash of the estimator's class name, as Spark ML's HasSeed. */
  ParamDecl<LongParam> SEED =
      ParamDecl.withDefault(
          "seed",
          "random seed: initial weights, order, dropout",
          LongParam::new,
          owner -> (long) owner.getClass().getName().hashCode());

  ParamDecl<BooleanParam> SHUFFLE = bool("shuffle", "reshuffle the rows every epoch", true);

  ParamDecl<BooleanParam> DROP_LAST =
      bool("dropLast", "skip the last minibatch of an epoch if incomplete", false);

  ParamDecl<IntParam> EARLY_STOPPING_PATIENCE =
      intAtLeast(
          "earlyStoppingPatience",
          "stop after this many epochs without a better validation loss and keep the best"
              + " weights; 0: never stop early",
          0,
          0);

  ParamDecl<IntParam> GRAD_ACCUMULATION_STEPS =
      intAtLeast(
          "gradAccumulationSteps",
          "micro-batches of batchSize rows per optimizer step, run one after another on each"
              + " partition in one Spark job: the step sees the gradient of batchSize *"
              + " gradAccumulationSteps rows with the memory of batchSize rows",
          1,
          1);

  ParamDecl<Param<String>> INITIAL_WEIGHTS_PATH =
      ParamDecl.string(
          "initialWeightsPath",
          "warm start: a saved model folder or a .safetensors state dict whose weights (for the"
              + " same network) the fit starts from; empty: initial weights from the seed",
          "");

  /** The declarations of this group. */
  List<ParamDecl<?>> DECLARED =
      List.of(
          LOSS,
          BATCH_SIZE,
          MAX_EPOCHS,
          SEED,
          SHUFFLE,
          DROP_LAST,
          EARLY_STOPPING_PATIENCE,
          GRAD_ACCUMULATION_STEPS,
          INITIAL_WEIGHTS_PATH);

  /** Param for the loss function. */
  default Param<String> loss() {
    return paramSet().get(LOSS);
  }

  /** Returns the loss function. */
  default String getLoss() {
    return getOrDefault(loss());
  }

  /** Param for the rows of one global minibatch. */
  default IntParam batchSize() {
    return paramSet().get(BATCH_SIZE);
  }

  /** Returns the rows of one global minibatch. */
  default int getBatchSize() {
    return (Integer) getOrDefault(batchSize());
  }

  /** Param for the number of passes over the data. */
  default IntParam maxEpochs() {
    return paramSet().get(MAX_EPOCHS);
  }

  /** Returns the number of passes over the data. */
  default int getMaxEpochs() {
    return (Integer) getOrDefault(maxEpochs());
  }

  /** Param for the random seed. */
  default LongParam seed() {
    return paramSet().get(SEED);
  }

  /** Returns the random seed. */
  default long getSeed() {
    return (Long) getOrDefault(seed());
  }

  /** Param for whether rows are reshuffled every epoch. */
  default BooleanParam shuffle() {
    return paramSet().get(SHUFFLE);
  }

  /** Returns whether rows are reshuffled every epoch. */
  default boolean getShuffle() {
    return (Boolean) getOrDefault(shuffle());
  }

  /** Param for whether an incomplete last minibatch is skipped. */
  default BooleanParam dropLast() {
    return paramSet().get(DROP_LAST);
  }

  /** Returns whether an incomplete last minibatch is skipped. */
  default boolean getDropLast() {
    return (Boolean) getOrDefault(dropLast());
  }

  /** Param for the early-stopping patience in epochs; 0 for none. */
  default IntParam earlyStoppingPatience() {
    return paramSet().get(EARLY_STOPPING_PATIENCE);
  }

  /** Returns the early-stopping patience in epochs; 0 for none. */
  default int getEarlyStoppingPatience() {
    return (Integer) getOrDefault(earlyStoppingPatience());
  }

  /** Param for the micro-batches per optimizer step (gradient accumulation); 1 for none. */
  default IntParam gradAccumulationSteps() {
    return paramSet().get(GRAD_ACCUMULATION_STEPS);
  }

  /** Returns the micro-batches per optimizer step. */
  default int getGradAccumulationSteps() {
    return (Integer) getOrDefault(gradAccumulationSteps());
  }

  /** Param for the warm-start weights: a saved model folder or a safetensors file; empty: none. */
  default Param<String> initialWeightsPath() {
    return paramSet().get(INITIAL_WEIGHTS_PATH);
  }

  /** Returns the warm-start weights path; empty for none. */
  default String getInitialWeightsPath() {
    return getOrDefault(initialWeightsPath());
  }
}
