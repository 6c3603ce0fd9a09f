package org.sparkgrad.examples;

import java.util.List;
import org.sparkgrad.ml.NeuralNetClassifier;
import org.sparkgrad.ml.NeuralNetEstimator;
import org.sparkgrad.ml.NeuralNetRegressor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command line of {@link TrainJob}, as picocli declares it (which also generates {@code
 * --help}, with one section of options per mixin); {@link #toOptions} checks it into a {@link
 * TrainOptions} with a configured estimator.
 */
@Command(
    name = "TrainJob",
    customSynopsis = "TrainJob --input PATH|generated --output MODEL_PATH [options]",
    description = {
      "Trains a Sparkgrad neural network on a table, saves it, and writes its training summary"
          + " (JSON) and learning curves (PNG). Paths may be on any Hadoop file system"
          + " (hdfs://...).",
      ""
    },
    sortOptions = false)
final class TrainCommand {
  @Mixin(name = "Input")
  InputArgs input = new InputArgs();

  @Mixin(name = "Network and training")
  Network network = new Network();

  @Mixin(name = "Output")
  Output outputs = new Output();

  /** The network and training options, passed to the estimator (which validates most). */
  static final class Network {
    @Option(
        names = "--task",
        paramLabel = "T",
        description = "classification|regression (default classification)")
    String task = "classification";

    @Option(
        names = "--hidden",
        paramLabel = "256,128",
        description = "hidden layer sizes; empty for a linear model (default 256,128)")
    String hidden = "256,128";

    @Option(
        names = "--activation",
        paramLabel = "A",
        description = "relu|tanh|sigmoid|gelu (default relu)")
    String activation = "relu";

    @Option(
        names = "--dropout",
        paramLabel = "P",
        description = "dropout probability after each hidden layer (default 0)")
    double dropout;

    @Option(
        names = "--optimizer",
        paramLabel = "O",
        description = "sgd|adam|adamw|rmsprop (default adam)")
    String optimizer = "adam";

    @Option(names = "--lr", paramLabel = "X", description = "learning rate (default 1e-3)")
    double lr = 1e-3;

    @Option(names = "--weight-decay", paramLabel = "X", description = "weight decay (default 0)")
    double weightDecay;

    @Option(
        names = "--lr-schedule",
        paramLabel = "S",
        description = "constant|step|cosine|linear (default constant)")
    String lrSchedule = "constant";

    @Option(
        names = "--batch-size",
        paramLabel = "N",
        description = "rows of one global minibatch (default 128)")
    int batchSize = 128;

    @Option(names = "--epochs", paramLabel = "N", description = "passes over the data (default 10)")
    int epochs = 10;

    @Option(
        names = "--early-stopping-patience",
        paramLabel = "N",
        description = "stop after N epochs without a better validation loss (default 0: never)")
    int patience;

    @Option(names = "--device", paramLabel = "D", description = "auto|cpu|gpu (default auto)")
    String device = "auto";

    @Option(
        names = "--precision",
        paramLabel = "P",
        description = "float32|bf16|fp16 products and convolutions (default float32; fp16: gpu)")
    String precision = "float32";

    @Option(
        names = "--validation-fraction",
        paramLabel = "F",
        description = "share of training rows for validation (default 0.1)")
    double validationFraction = 0.1;

    @Option(
        names = "--test-fraction",
        paramLabel = "F",
        description = "share of rows held out and scored at the end (default 0.2)")
    double testFraction = 0.2;
  }

  /** Where the results go. */
  static final class Output {
    @Option(
        names = "--output",
        paramLabel = "PATH",
        description = "where the model is saved (required)")
    String output;

    @Option(
        names = "--summary",
        paramLabel = "PATH",
        description = "training summary JSON (default OUTPUT-summary.json)")
    String summary;

    @Option(
        names = "--plot",
        paramLabel = "PATH",
        description = "loss and metric curves PNG (default OUTPUT-curves.png)")
    String plot;

    @Option(
        names = "--onnx",
        paramLabel = "PATH",
        description = "also export the model as ONNX, for serving outside Spark (docs/ONNX.md)")
    String onnx;

    @Option(names = "--overwrite", arity = "0", description = "replace existing outputs")
    boolean overwrite;

    @Option(names = "--help", usageHelp = true, description = "print this and exit")
    boolean help;
  }

  /** Reads and checks the options; every error names its option. */
  TrainOptions toOptions() {
    InputOptions in = input.toOptions();
    Network n = network;
    Output out = outputs;
    String task = Cli.choice("task", n.task, List.of("classification", "regression"));
    String output = Cli.required("output", out.output);
    NeuralNetEstimator<?, ?> est =
        task.equals("classification") ? new NeuralNetClassifier() : new NeuralNetRegressor();
    set("label-col", () -> est.setLabelCol(in.labelCol()));
    set("features-col", () -> est.setFeaturesCol(in.featuresCol()));
    int[] hidden = Cli.positiveInts("hidden", n.hidden);
    set("hidden", () -> est.setHiddenLayers(hidden));
    set("activation", () -> est.setActivation(n.activation.trim()));
    double dropout = Cli.inRange("dropout", n.dropout, 0.0, 1.0);
    set("dropout", () -> est.setDropout(dropout));
    set("optimizer", () -> est.setOptimizer(n.optimizer.trim()));
    double lr = Cli.positive("lr", n.lr);
    set("lr", () -> est.setLearningRate(lr));
    double wd = Cli.inRange("weight-decay", n.weightDecay, 0.0, Double.MAX_VALUE);
    set("weight-decay", () -> est.setWeightDecay(wd));
    set("lr-schedule", () -> est.setLrSchedule(n.lrSchedule.trim()));
    int batch = Cli.atLeast("batch-size", n.batchSize, 1);
    set("batch-size", () -> est.setBatchSize(batch));
    int epochs = Cli.atLeast("epochs", n.epochs, 1);
    set("epochs", () -> est.setMaxEpochs(epochs));
    int patience = Cli.atLeast("early-stopping-patience", n.patience, 0);
    set("early-stopping-patience", () -> est.setEarlyStoppingPatience(patience));
    set("device", () -> est.setDevice(n.device.trim()));
    set("precision", () -> est.setPrecision(n.precision.trim()));
    set("seed", () -> est.setSeed(in.seed()));
    double validation = Cli.inRange("validation-fraction", n.validationFraction, 0.0, 0.9);
    double test = Cli.inRange("test-fraction", n.testFraction, 0.0, 0.9);
    if (validation + test >= 1.0) {
      throw new UsageException(
          "--validation-fraction + --test-fraction must be < 1, got " + validation + " + " + test);
    }
    if (patience > 0 && validation == 0.0) {
      throw new UsageException(
          "--early-stopping-patience needs validation rows: set --validation-fraction > 0");
    }
    return new TrainOptions(
        in,
        task,
        validation,
        test,
        output,
        out.summary == null ? output + "-summary.json" : out.summary,
        out.plot == null ? output + "-curves.png" : out.plot,
        out.onnx,
        out.overwrite,
        est);
  }

  /** Runs a setter; the estimator's own validation message becomes a usage error for option. */
  private static void set(String option, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      String msg =
          e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new UsageException("--" + option + ": " + msg);
    }
  }
}
