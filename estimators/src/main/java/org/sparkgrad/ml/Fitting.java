package org.sparkgrad.ml;

import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.data.Columns;
import org.sparkgrad.ml.data.DataPreparation;
import org.sparkgrad.ml.data.DataStorage;
import org.sparkgrad.ml.data.PreparedData;
import org.sparkgrad.ml.io.Checkpointing;
import org.sparkgrad.ml.spark.Devices;
import org.sparkgrad.ml.spark.SparkGradientSource;
import org.sparkgrad.ml.train.Amortisation;
import org.sparkgrad.ml.train.GradientStep;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Objective;
import org.sparkgrad.ml.train.ProgressReportingSource;
import org.sparkgrad.ml.train.Trainer;
import org.sparkgrad.ml.train.TrainingConfig;
import org.sparkgrad.ml.train.TrainingListener;
import org.sparkgrad.ml.train.TrainingSummary;
import org.sparkgrad.spark.ConfEntry;
import org.sparkgrad.spark.GpuTrainingStage;
import org.sparkgrad.spark.SparkgradConf;
import org.sparkgrad.spark.ui.FitProgressReporter;
import org.sparkgrad.spark.ui.SparkgradUi;
import org.sparkgrad.tensor.Precision;

/**
 * The fit shared by both estimators: check params and columns, prepare the data once ({@link
 * DataPreparation}), size the network from the data, and train it with the distributed {@link
 * Trainer}, reporting its steps to the Spark UI's Sparkgrad tab ({@link SparkgradUi}). The cached
 * data is dropped when the fit ends, successfully or not.
 */
final class Fitting {
  /** The most classes inferred from label values without metadata, as MLlib's classifiers. */
  static final int MAX_INFERRED_CLASSES = 100;

  private Fitting() {}

  /** What a fit produced, for the model. */
  static final class Outcome {
    private final String uid;
    private final NetworkSpec spec;
    private final float[] weights;
    private final float[] buffers;
    private final int numFeatures;
    private final int numOutputs;
    private final boolean vectorOutput;
    private final TrainingSummary summary;
    private final LabelScale labelScale;

    Outcome(
        String uid,
        NetworkSpec spec,
        float[] weights,
        float[] buffers,
        int numFeatures,
        int numOutputs,
        boolean vectorOutput,
        TrainingSummary summary,
        LabelScale labelScale) {
      this.uid = uid;
      this.spec = spec;
      this.weights = weights;
      this.buffers = buffers;
      this.numFeatures = numFeatures;
      this.numOutputs = numOutputs;
      this.vectorOutput = vectorOutput;
      this.summary = summary;
      this.labelScale = labelScale;
    }

    /** The label standardisation the regressor was trained with, or null. */
    LabelScale labelScale() {
      return labelScale;
    }

    String uid() {
      return uid;
    }

    NetworkSpec spec() {
      return spec;
    }

    float[] weights() {
      return weights;
    }

    /** The trained buffers (batch norm's running statistics), flat in state-dict order. */
    float[] buffers() {
      return buffers;
    }

    int numFeatures() {
      return numFeatures;
    }

    int numOutputs() {
      return numOutputs;
    }

    boolean vectorOutput() {
      return vectorOutput;
    }

    TrainingSummary summary() {
      return summary;
    }
  }

  /** Checks the input columns a fit reads. */
  static void checkInputSchema(NeuralNetParams p, StructType schema, boolean classifier) {
    if (p.getFeaturesCols().length == 0) {
      Columns.requireFeatures(schema, p.getFeaturesCol(), "featuresCol");
    }
    for (String c : p.getFeaturesCols()) {
      Columns.requireInput(schema, c, "featuresCols");
    }
    Columns.requireLabel(schema, p.getLabelCol(), "labelCol");
    if (p.isNonEmpty(p.weightCol())) {
      Columns.requireNumeric(schema, p.getWeightCol(), "weightCol", false);
    }
    if (p.isNonEmpty(p.validationIndicatorCol())) {
      Columns.requireBoolean(schema, p.getValidationIndicatorCol(), "validationIndicatorCol");
    }
  }

  /** The training hyper-parameters of {@code p}. */
  static TrainingConfig config(NeuralNetParams p) {
    if (p.getEarlyStoppingPatience() > 0 && !p.isNonEmpty(p.validationIndicatorCol())) {
      throw new IllegalArgumentException(
          "earlyStoppingPatience is "
              + p.getEarlyStoppingPatience()
              + " but validationIndicatorCol is not set: early stopping needs validation rows");
    }
    return new TrainingConfig(
        p.getOptimizer(),
        p.getLearningRate(),
        p.getMomentum(),
        p.getWeightDecay(),
        p.getLrSchedule(),
        p.getLrStepSize(),
        p.getLrGamma(),
        p.getWarmupSteps(),
        p.getGradClipNorm(),
        p.getBatchSize(),
        p.getMaxEpochs(),
        p.getSeed(),
        p.getShuffle(),
        p.getDropLast(),
        p.getEarlyStoppingPatience());
  }

  /** Trains the network {@code p} describes on {@code df}. */
  static Outcome fit(
      NeuralNetParams p,
      Dataset<?> df,
      boolean classifier,
      TrainingListener listener,
      NeuralNetModel<?> initialModel) {
    TrainingConfig config = config(p);
    Precision precision = FitPrecision.of(p);
    Objective objective = FitTarget.objective(p, df.schema());
    DataPreparation.Request req =
        new DataPreparation.Request(
            p.getFeaturesCol(),
            p.getLabelCol(),
            p.isNonEmpty(p.weightCol()) ? p.getWeightCol() : null,
            p.isNonEmpty(p.validationIndicatorCol()) ? p.getValidationIndicatorCol() : null,
            classifier,
            p.getNumReplicas(),
            FitNetwork.embeddingIndices(p),
            java.util.List.of(p.getFeaturesCols()),
            DataStorage.of(p.getDataStorage()));
    DataPreparation.Inspection inspected = DataPreparation.inspect(df, req);
    NetworkSpec given = FitNetwork.given(p, inspected);
    DataPreparation.Inspection ins = FitNetwork.withIndexLimits(inspected, given);
    int knownClasses = 0;
    String origin = "";
    if (objective.kind() == Objective.Kind.BCE_WITH_LOGITS) {
      knownClasses = FitTarget.bceClasses(objective, ins, p.getLabelCol());
      origin = "loss bce_with_logits";
    } else if (classifier && ins.metadataClasses() > 0) {
      knownClasses = ins.metadataClasses();
      origin = "from the label column's metadata";
      if (given != null && given.outputSize() < knownClasses) {
        throw new IllegalArgumentException(
            (given.userModule() == null
                    ? "network: the last linear layer has out_features="
                    : FitNetwork.source(p)
                        + " "
                        + given.userModule().className()
                        + ": the module outputs ")
                + given.outputSize()
                + " but the label column's metadata has "
                + knownClasses
                + " classes");
      }
    } else if (classifier && given != null) {
      knownClasses = given.outputSize();
      origin =
          given.userModule() == null
              ? "the out_features of the network param's last linear layer"
              : "the output size of the " + FitNetwork.source(p) + " param's module";
    }
    PreparedData data = DataPreparation.convert(df, req, ins, knownClasses, origin);
    try {
      int outputs =
          classifier
              ? (knownClasses > 0 ? knownClasses : inferClasses(data.maxLabel(), p.getLabelCol()))
              : ins.labelDim();
      if (objective.kind() == Objective.Kind.BCE_WITH_LOGITS) {
        outputs = ins.labelDim(); // one logit per label value
      }
      NetworkSpec spec =
          given != null
              ? given
              : NetworkSpec.simple(
                  ins.numFeatures(),
                  p.getHiddenLayers(),
                  p.getActivation(),
                  p.getDropout(),
                  outputs);
      if (given != null) {
        outputs = given.outputSize();
      }
      if (classifier) {
        FitTarget.checkClassWeights(objective, outputs);
      }
      LabelScale scale = classifier ? null : FitTarget.labelScale(p, data);
      if (scale != null) {
        objective = objective.withLabelScale(scale.meanFloats(), scale.stdFloats());
      }
      GradientStep step =
          new GradientStep(
                  spec,
                  objective,
                  config.seed(),
                  data.trainRows(),
                  config.batchSize(),
                  config.shuffle(),
                  p.getDevice(),
                  p.getGradAccumulationSteps())
              .withPrecision(precision)
              .withDevices(Devices::resolve);
      Configuration hadoop = df.sparkSession().sparkContext().hadoopConfiguration();
      float[] start = WarmStart.weights(p, initialModel, spec, hadoop);
      Trainer trainer =
          new Trainer(
                  config,
                  spec,
                  objective,
                  data.trainRows(),
                  data.validationRows() > 0,
                  listener,
                  new Amortisation(p.getGradAccumulationSteps(), p.getLocalSteps()))
              .withInitialWeights(start)
              .withInitialBuffers(WarmStart.buffers(p, initialModel, spec, hadoop))
              .withLossScaler(FitPrecision.scaler(precision));
      Trainer.Result result;
      FitProgressReporter progress =
          SparkgradUi.reporter(
              df.sparkSession().sparkContext(),
              p.getClass().getSimpleName(),
              p.uid(),
              setting(df, SparkgradConf.UI_PROGRESS_INTERVAL_MS));
      try (Checkpointing checkpoints =
              FitCheckpoints.open(p, config, spec, objective, data, start, hadoop);
          SparkGradientSource source =
              new SparkGradientSource(
                  GpuTrainingStage.apply(data.partitions(), p.getDevice()),
                  step,
                  setting(df, SparkgradConf.FIT_TRANSPORT),
                  Duration.ofSeconds(setting(df, SparkgradConf.FIT_CHANNEL_WAIT_SECONDS)))) {
        result =
            trainer.withCheckpoints(checkpoints).fit(new ProgressReportingSource(source, progress));
      } catch (RuntimeException | Error e) {
        progress.ended(e);
        throw e;
      }
      progress.ended(null);
      boolean vectorOutput =
          !classifier && Columns.isMultiValued(df.schema().apply(p.getLabelCol()).dataType());
      return new Outcome(
          p.uid(),
          spec,
          result.weights(),
          result.buffers(),
          ins.numFeatures(),
          outputs,
          vectorOutput,
          result.summary(),
          scale);
    } finally {
      data.unpersist();
    }
  }

  /**
   * The value of {@code entry} in the session's configuration: {@code spark.conf.set} in a notebook
   * overrides what the application was started with.
   */
  private static <T> T setting(Dataset<?> df, ConfEntry<T> entry) {
    String raw = df.sparkSession().conf().get(entry.key(), null);
    return raw == null ? entry.defaultValue() : entry.parse(raw);
  }

  /** MLlib's rule: the largest label + 1 (at least 2), at most {@link #MAX_INFERRED_CLASSES}. */
  static int inferClasses(double maxLabel, String labelCol) {
    long n = (long) maxLabel + 1;
    if (n > MAX_INFERRED_CLASSES) {
      throw new IllegalArgumentException(
          "column '"
              + labelCol
              + "' has labels up to "
              + maxLabel
              + ", i.e. "
              + n
              + " classes, more than the "
              + MAX_INFERRED_CLASSES
              + " that are inferred from label values; give the column nominal metadata"
              + " (StringIndexer does) or set the network param");
    }
    return (int) Math.max(2, n);
  }
}
