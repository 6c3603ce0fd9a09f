package org.sparkgrad.ml;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * The {@link Param} objects of one estimator or model. Spark requires every param to belong to the
 * instance that exposes it (its parent is that instance's uid), so each instance builds its own set
 * after its uid is known; {@link NeuralNetParams}' default methods return them. Users never need
 * this class: they call {@code featuresCol()}, {@code getBatchSize()}, and so on.
 */
public final class NeuralNetParamSet implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The activations of the simple network. */
  static final List<String> ACTIVATIONS = List.of("relu", "tanh", "sigmoid", "gelu");

  /** The optimizers. */
  static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw", "rmsprop");

  /** The learning-rate schedules. */
  static final List<String> SCHEDULES = List.of("constant", "step", "cosine", "linear");

  /** The device choices. */
  static final List<String> DEVICES = List.of("auto", "cpu", "gpu");

  /** The ways to keep training data ({@link org.sparkgrad.ml.data.DataStorage}). */
  static final List<String> DATA_STORAGES = List.of("auto", "memory", "stream");

  /** The number formats of the training step ({@link org.sparkgrad.tensor.Precision}). */
  static final List<String> PRECISIONS = List.of("float32", "bf16", "fp16");

  /** The units of {@code checkpointInterval}. */
  static final List<String> CHECKPOINT_UNITS = List.of("epoch", "step");

  /** The classifier's losses. */
  static final List<String> CLASSIFICATION_LOSSES = List.of("cross_entropy", "bce_with_logits");

  /** The regressor's losses. */
  static final List<String> REGRESSION_LOSSES = List.of("mse", "l1", "huber");

  final Param<String> featuresCol;
  final StringArrayParam featuresCols;
  final Param<String> labelCol;
  final Param<String> weightCol;
  final Param<String> predictionCol;
  final Param<String> rawPredictionCol;
  final Param<String> probabilityCol;
  final IntArrayParam hiddenLayers;
  final Param<String> activation;
  final DoubleParam dropout;
  final Param<String> network;
  final IntArrayParam inputShape;
  final ModuleFactoryParam moduleFactory;
  final Param<String> moduleClass;
  final Param<String> loss;
  final Param<String> optimizer;
  final DoubleParam learningRate;
  final DoubleParam momentum;
  final DoubleParam weightDecay;
  final Param<String> lrSchedule;
  final IntParam lrStepSize;
  final DoubleParam lrGamma;
  final IntParam warmupSteps;
  final DoubleParam gradClipNorm;
  final IntParam batchSize;
  final IntParam maxEpochs;
  final LongParam seed;
  final BooleanParam shuffle;
  final BooleanParam dropLast;
  final Param<String> validationIndicatorCol;
  final IntParam earlyStoppingPatience;
  final Param<String> device;
  final IntParam numReplicas;
  final Param<String> dataStorage;
  final Param<String> precision;
  final IntParam inferBatchSize;
  final Param<String> checkpointDir;
  final IntParam checkpointInterval;
  final Param<String> checkpointIntervalUnit;
  final IntParam keepCheckpoints;
  final BooleanParam checkpointOverwrite;
  final Param<String> initialWeightsPath;
  final IntParam gradAccumulationSteps;
  final IntParam localSteps;
  final DoubleArrayParam classWeights;
  final DoubleParam labelSmoothing;
  final Param<String> labelScaling;

  private final boolean classifier;

  /**
   * Builds the params of {@code owner}, whose uid must already be set; {@code classifier} selects
   * the classifier's losses and output columns. Call {@link #setDefaults} once the owner can return
   * this set.
   */
  NeuralNetParamSet(Params owner, boolean classifier) {
    this.classifier = classifier;
    featuresCol =
        string(
            owner,
            "featuresCol",
            "features column: an ML Vector, an array<float|double>, or the image column of Spark's"
                + " image data source");
    featuresCols =
        new StringArrayParam(
            owner,
            "featuresCols",
            "several feature columns, each its own input tensor of a module whose forward takes"
                + " several (moduleFactory or moduleClass), in order: vectors, arrays, images, or"
                + " integer columns (int64 indices, as an Embedding takes); empty: featuresCol",
            ParamCheck.columnNames("featuresCols"));
    labelCol =
        string(
            owner,
            "labelCol",
            classifier
                ? "label column: class indices 0, 1, ..., numClasses - 1"
                : "label column: a number, or an ML Vector for several outputs");
    weightCol =
        string(owner, "weightCol", "weight column (>= 0 each); unset or empty: every row weighs 1");
    predictionCol =
        string(
            owner,
            "predictionCol",
            classifier ? "predicted class index column" : "predicted value column");
    rawPredictionCol =
        classifier
            ? string(
                owner,
                "rawPredictionCol",
                "raw prediction column: the network's logits, centred to mean 0 (softmax-invariant)")
            : null;
    probabilityCol =
        classifier
            ? string(owner, "probabilityCol", "class probability column: softmax of the logits")
            : null;
    ParamCheck<int[]> layersCheck = ParamCheck.allPositive("hiddenLayers");
    hiddenLayers =
        new IntArrayParam(
            owner,
            "hiddenLayers",
            "sizes of the hidden Linear layers of the simple network ("
                + layersCheck.rule()
                + "; empty: a linear model); ignored when network is set",
            layersCheck);
    activation = choice(owner, "activation", "activation after each hidden layer", ACTIVATIONS);
    dropout =
        doubleParam(
            owner,
            "dropout",
            "dropout probability after each hidden activation",
            ParamCheck.doubleInHalfOpen("dropout", 0, 1));
    network =
        new Param<>(
            owner,
            "network",
            "JSON description of a Sequential network ({\"layers\": [{\"type\": \"linear\","
                + " \"in_features\": 4, \"out_features\": 16}, {\"type\": \"relu\"}, ...]});"
                + " empty: build the simple network from hiddenLayers, activation and dropout;"
                + " malformed JSON or an unknown layer fails when set",
            new NetworkCheck());
    moduleFactory = new ModuleFactoryParam(owner);
    moduleClass =
        string(
            owner,
            "moduleClass",
            "name of a class with a public no-argument constructor that implements"
                + " org.sparkgrad.ml.ModuleFactory, whose module is the network; empty: the network"
                + " param or the simple network");
    ParamCheck<int[]> shapeCheck = ParamCheck.allPositive("inputShape");
    inputShape =
        new IntArrayParam(
            owner,
            "inputShape",
            "shape each row's flat features are reshaped to (row-major) before the network's"
                + " first layer, for example [1, 28, 28] for 28x28 images of one channel ("
                + shapeCheck.rule()
                + "; its product must be the features size; empty: flat rows); needs network,"
                + " moduleFactory or moduleClass",
            shapeCheck);
    loss =
        choice(
            owner, "loss", "loss function", classifier ? CLASSIFICATION_LOSSES : REGRESSION_LOSSES);
    optimizer = choice(owner, "optimizer", "optimizer", OPTIMIZERS);
    learningRate =
        doubleParam(
            owner,
            "learningRate",
            "learning rate (peak rate with a schedule)",
            ParamCheck.doubleGt("learningRate", 0));
    momentum =
        doubleParam(
            owner,
            "momentum",
            "momentum of sgd and rmsprop (Adam's beta1 stays 0.9)",
            ParamCheck.doubleInHalfOpen("momentum", 0, 1));
    weightDecay =
        doubleParam(
            owner,
            "weightDecay",
            "weight decay: L2 penalty for sgd, adam, rmsprop; decoupled for adamw",
            ParamCheck.doubleAtLeast("weightDecay", 0));
    lrSchedule =
        choice(
            owner,
            "lrSchedule",
            "learning-rate schedule after warm-up: constant; step (times lrGamma every"
                + " lrStepSize epochs); cosine or linear (to 0 at the last step)",
            SCHEDULES);
    lrStepSize =
        intParam(
            owner,
            "lrStepSize",
            "epochs between decays of the step schedule",
            ParamCheck.intAtLeast("lrStepSize", 1));
    lrGamma =
        doubleParam(
            owner,
            "lrGamma",
            "decay factor of the step schedule",
            ParamCheck.doubleInLeftOpen("lrGamma", 0, 1));
    warmupSteps =
        intParam(
            owner,
            "warmupSteps",
            "optimizer steps of linear learning-rate warm-up from learningRate / warmupSteps",
            ParamCheck.intAtLeast("warmupSteps", 0));
    gradClipNorm =
        doubleParam(
            owner,
            "gradClipNorm",
            "clip the global gradient 2-norm to this value; 0: no clipping",
            ParamCheck.doubleAtLeast("gradClipNorm", 0));
    batchSize =
        intParam(
            owner,
            "batchSize",
            "rows in the global minibatch of one optimizer step, summed over all partitions",
            ParamCheck.intAtLeast("batchSize", 1));
    maxEpochs =
        intParam(owner, "maxEpochs", "passes over the data", ParamCheck.intAtLeast("maxEpochs", 1));
    seed = new LongParam(owner, "seed", "random seed: initial weights, order, dropout");
    shuffle = new BooleanParam(owner, "shuffle", "reshuffle the rows every epoch");
    dropLast =
        new BooleanParam(owner, "dropLast", "skip the last minibatch of an epoch if incomplete");
    validationIndicatorCol =
        string(
            owner,
            "validationIndicatorCol",
            "boolean column: true marks validation rows, evaluated every epoch and not trained on");
    earlyStoppingPatience =
        intParam(
            owner,
            "earlyStoppingPatience",
            "stop after this many epochs without a better validation loss and keep the best"
                + " weights; 0: never stop early",
            ParamCheck.intAtLeast("earlyStoppingPatience", 0));
    device =
        choice(
            owner,
            "device",
            "where tasks compute: auto (a GPU Spark assigned, where CUDA runs), cpu, gpu",
            DEVICES);
    numReplicas =
        intParam(
            owner,
            "numReplicas",
            "partitions that train; 0: the input's partitions, at most the cluster's default"
                + " parallelism",
            ParamCheck.intAtLeast("numReplicas", 0));
    dataStorage =
        choice(
            owner,
            "dataStorage",
            "how training rows are kept: memory (one block per partition, deserialized), stream"
                + " (chunks on the executors' disks, streamed each epoch in the epoch's order),"
                + " auto (memory while the blocks take at most half of the executors' storage"
                + " memory, else stream); the same model either way",
            DATA_STORAGES);
    precision =
        choice(
            owner,
            "precision",
            "the number format of the training step's matrix products and convolutions, as"
                + " torch.autocast: float32, bf16 (inputs rounded to bfloat16, computed in float32,"
                + " float32 master weights), fp16 (IEEE half, with dynamic loss scaling; needs a"
                + " GPU); reductions, softmax, losses and normalisation stay float32",
            PRECISIONS);
    inferBatchSize =
        intParam(
            owner,
            "inferBatchSize",
            "rows per batch when scoring",
            ParamCheck.intAtLeast("inferBatchSize", 1));
    checkpointDir =
        string(
            owner,
            "checkpointDir",
            "Hadoop path of the folder where the fit writes checkpoints and from whose newest"
                + " valid checkpoint a restarted fit resumes; empty: no checkpoints");
    checkpointInterval =
        intParam(
            owner,
            "checkpointInterval",
            "write a checkpoint every this many checkpointIntervalUnit (epochs or steps)",
            ParamCheck.intAtLeast("checkpointInterval", 1));
    checkpointIntervalUnit =
        choice(
            owner,
            "checkpointIntervalUnit",
            "unit of checkpointInterval: epoch (at the end of an epoch) or step (optimizer steps,"
                + " also in the middle of an epoch)",
            CHECKPOINT_UNITS);
    keepCheckpoints =
        intParam(
            owner,
            "keepCheckpoints",
            "how many of the newest checkpoints to keep in checkpointDir",
            ParamCheck.intAtLeast("keepCheckpoints", 1));
    checkpointOverwrite =
        new BooleanParam(
            owner,
            "checkpointOverwrite",
            "if checkpointDir holds checkpoints of a different run, delete them and train from the"
                + " start instead of failing");
    initialWeightsPath =
        string(
            owner,
            "initialWeightsPath",
            "warm start: a saved model folder or a .safetensors state dict whose weights (for the"
                + " same network) the fit starts from; empty: initial weights from the seed");
    gradAccumulationSteps =
        intParam(
            owner,
            "gradAccumulationSteps",
            "micro-batches of batchSize rows per optimizer step, run one after another on each"
                + " partition in one Spark job: the step sees the gradient of batchSize *"
                + " gradAccumulationSteps rows with the memory of batchSize rows",
            ParamCheck.intAtLeast("gradAccumulationSteps", 1));
    localSteps =
        intParam(
            owner,
            "localSteps",
            "1: synchronous steps; k > 1: each partition takes k optimizer steps on its own rows"
                + " of the next k minibatches, then weights and optimizer state are averaged,"
                + " weighted by rows (one Spark job per k steps; not equal to synchronous"
                + " training)",
            ParamCheck.intAtLeast("localSteps", 1));
    classWeights = classifier ? TargetParamDocs.classWeights(owner) : null;
    labelSmoothing = classifier ? TargetParamDocs.labelSmoothing(owner) : null;
    labelScaling = classifier ? null : TargetParamDocs.labelScaling(owner);
  }

  /** Sets the defaults on {@code owner}, which must already return this set. */
  void setDefaults(Params owner) {
    owner.setDefault(featuresCol, "features");
    owner.setDefault(featuresCols, new String[0]);
    owner.setDefault(labelCol, "label");
    owner.setDefault(predictionCol, "prediction");
    if (classifier) {
      owner.setDefault(rawPredictionCol, "rawPrediction");
      owner.setDefault(probabilityCol, "probability");
      owner.setDefault(loss, "cross_entropy");
      owner.setDefault(classWeights, new double[0]);
      owner.setDefault(labelSmoothing, 0.0);
    } else {
      owner.setDefault(loss, "mse");
      owner.setDefault(labelScaling, "auto");
    }
    owner.setDefault(hiddenLayers, new int[] {64});
    owner.setDefault(activation, "relu");
    owner.setDefault(dropout, 0.0);
    owner.setDefault(network, "");
    owner.setDefault(inputShape, new int[0]);
    owner.setDefault(moduleClass, "");
    owner.setDefault(optimizer, "adam");
    owner.setDefault(learningRate, 1e-3);
    owner.setDefault(momentum, 0.0);
    owner.setDefault(weightDecay, 0.0);
    owner.setDefault(lrSchedule, "constant");
    owner.setDefault(lrStepSize, 10);
    owner.setDefault(lrGamma, 0.1);
    owner.setDefault(warmupSteps, 0);
    owner.setDefault(gradClipNorm, 0.0);
    owner.setDefault(batchSize, 64);
    owner.setDefault(maxEpochs, 10);
    owner.setDefault(seed, (long) owner.getClass().getName().hashCode());
    owner.setDefault(shuffle, true);
    owner.setDefault(dropLast, false);
    owner.setDefault(earlyStoppingPatience, 0);
    owner.setDefault(device, "auto");
    owner.setDefault(numReplicas, 0);
    owner.setDefault(dataStorage, "auto");
    owner.setDefault(precision, "float32");
    owner.setDefault(inferBatchSize, 1024);
    owner.setDefault(checkpointDir, "");
    owner.setDefault(checkpointInterval, 1);
    owner.setDefault(checkpointIntervalUnit, "epoch");
    owner.setDefault(keepCheckpoints, 2);
    owner.setDefault(checkpointOverwrite, false);
    owner.setDefault(initialWeightsPath, "");
    owner.setDefault(gradAccumulationSteps, 1);
    owner.setDefault(localSteps, 1);
  }

  private static Param<String> string(Params owner, String name, String doc) {
    return new Param<>(owner, name, doc, ParamCheck.notNull(name));
  }

  private static Param<String> choice(Params owner, String name, String doc, List<String> values) {
    ParamCheck<String> check = ParamCheck.oneOf(name, values);
    return new Param<>(owner, name, doc + " (" + check.rule() + ")", check);
  }

  private static DoubleParam doubleParam(
      Params owner, String name, String doc, ParamCheck<Object> check) {
    return new DoubleParam(owner, name, doc + " (" + check.rule() + ")", check);
  }

  private static IntParam intParam(
      Params owner, String name, String doc, ParamCheck<Object> check) {
    return new IntParam(owner, name, doc + " (" + check.rule() + ")", check);
  }
}
