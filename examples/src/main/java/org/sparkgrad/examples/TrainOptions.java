package org.sparkgrad.examples;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.sparkgrad.ml.NeuralNetClassifier;
import org.sparkgrad.ml.NeuralNetEstimator;
import org.sparkgrad.ml.NeuralNetRegressor;

/**
 * The options of {@link TrainJob}: the input ({@link InputOptions}), the network and training
 * settings (passed to the estimator, which validates them), the splits and the outputs.
 *
 * @param input where the table is and which columns to use
 * @param task {@code classification} or {@code regression}
 * @param validationFraction the share of training rows held out each epoch for validation
 * @param testFraction the share of rows held out and scored after training
 * @param output the model path
 * @param summary the training summary JSON path
 * @param plot the learning-curve PNG path
 * @param overwrite whether existing outputs are replaced
 * @param estimator the configured estimator (not yet fitted)
 */
record TrainOptions(
    InputOptions input,
    String task,
    double validationFraction,
    double testFraction,
    String output,
    String summary,
    String plot,
    boolean overwrite,
    NeuralNetEstimator<?, ?> estimator) {

  private static final Set<String> OWN =
      Set.of(
          "task",
          "hidden",
          "activation",
          "dropout",
          "optimizer",
          "lr",
          "weight-decay",
          "lr-schedule",
          "batch-size",
          "epochs",
          "early-stopping-patience",
          "device",
          "validation-fraction",
          "test-fraction",
          "output",
          "summary",
          "plot");

  /** The usage text of {@code TrainJob --help}. */
  static final String USAGE =
      String.join(
          "\n",
          "Usage: TrainJob --input PATH|generated --output MODEL_PATH [options]",
          "Trains a Sparkgrad neural network on a table, saves it, and writes its training summary",
          "(JSON) and learning curves (PNG). Paths may be on any Hadoop file system (hdfs://...).",
          "",
          "Input:",
          InputOptions.USAGE.stripTrailing(),
          "Network and training:",
          "  --task T                  classification|regression (default classification)",
          "  --hidden 256,128          hidden layer sizes; empty for a linear model (default 256,128)",
          "  --activation A            relu|tanh|sigmoid|gelu (default relu)",
          "  --dropout P               dropout probability after each hidden layer (default 0)",
          "  --optimizer O             sgd|adam|adamw|rmsprop (default adam)",
          "  --lr X                    learning rate (default 1e-3)",
          "  --weight-decay X          weight decay (default 0)",
          "  --lr-schedule S           constant|step|cosine|linear (default constant)",
          "  --batch-size N            rows of one global minibatch (default 128)",
          "  --epochs N                passes over the data (default 10)",
          "  --early-stopping-patience N  stop after N epochs without a better validation loss",
          "                            (default 0: never)",
          "  --device D                auto|cpu|gpu (default auto)",
          "  --validation-fraction F   share of training rows for validation (default 0.1)",
          "  --test-fraction F         share of rows held out and scored at the end (default 0.2)",
          "Output:",
          "  --output PATH             where the model is saved (required)",
          "  --summary PATH            training summary JSON (default OUTPUT-summary.json)",
          "  --plot PATH               loss and metric curves PNG (default OUTPUT-curves.png)",
          "  --overwrite               replace existing outputs",
          "  --help                    print this and exit");

  /** The names of the options that take a value. */
  static Set<String> options() {
    Set<String> all = new HashSet<>(OWN);
    all.addAll(InputOptions.OPTIONS);
    return all;
  }

  /** The names of the switches. */
  static Set<String> flags() {
    return Set.of("overwrite", "help");
  }

  /** Reads and checks the options; every error names its option. */
  static TrainOptions from(CliArgs a) {
    InputOptions input = InputOptions.from(a);
    String task = a.choice("task", "classification", List.of("classification", "regression"));
    String output = a.required("output");
    NeuralNetEstimator<?, ?> est =
        task.equals("classification") ? new NeuralNetClassifier() : new NeuralNetRegressor();
    set("label-col", () -> est.setLabelCol(input.labelCol()));
    set("features-col", () -> est.setFeaturesCol(input.featuresCol()));
    int[] hidden = a.positiveInts("hidden", new int[] {256, 128});
    set("hidden", () -> est.setHiddenLayers(hidden));
    setString(a, "activation", "relu", est::setActivation);
    double dropout = a.number("dropout", 0.0, 0.0, 1.0);
    set("dropout", () -> est.setDropout(dropout));
    setString(a, "optimizer", "adam", est::setOptimizer);
    double lr = a.number("lr", 1e-3, Double.MIN_VALUE, Double.MAX_VALUE);
    set("lr", () -> est.setLearningRate(lr));
    double wd = a.number("weight-decay", 0.0, 0.0, Double.MAX_VALUE);
    set("weight-decay", () -> est.setWeightDecay(wd));
    setString(a, "lr-schedule", "constant", est::setLrSchedule);
    int batch = a.integer("batch-size", 128, 1);
    set("batch-size", () -> est.setBatchSize(batch));
    int epochs = a.integer("epochs", 10, 1);
    set("epochs", () -> est.setMaxEpochs(epochs));
    int patience = a.integer("early-stopping-patience", 0, 0);
    set("early-stopping-patience", () -> est.setEarlyStoppingPatience(patience));
    setString(a, "device", "auto", est::setDevice);
    set("seed", () -> est.setSeed(input.seed()));
    double validation = a.number("validation-fraction", 0.1, 0.0, 0.9);
    double test = a.number("test-fraction", 0.2, 0.0, 0.9);
    if (validation + test >= 1.0) {
      throw new UsageException(
          "--validation-fraction + --test-fraction must be < 1, got " + validation + " + " + test);
    }
    if (patience > 0 && validation == 0.0) {
      throw new UsageException(
          "--early-stopping-patience needs validation rows: set --validation-fraction > 0");
    }
    return new TrainOptions(
        input,
        task,
        validation,
        test,
        output,
        a.string("summary", output + "-summary.json"),
        a.string("plot", output + "-curves.png"),
        a.flag("overwrite"),
        est);
  }

  /** Whether the task is classification. */
  boolean classification() {
    return task.equals("classification");
  }

  private static void setString(CliArgs a, String option, String dflt, Consumer<String> setter) {
    String v = a.string(option, dflt).trim();
    set(option, () -> setter.accept(v));
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
