package org.sparkgrad.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparkgrad.ml.NeuralNetClassifier;
import org.sparkgrad.ml.train.EpochStats;

/**
 * Sparkgrad's side of the race: one fit of {@link NeuralNetClassifier} (784-256-128-10, ReLU, Adam)
 * whose validation rows are the 10k test images ({@code validationIndicatorCol}), so the validation
 * accuracy that every epoch reports is the test accuracy, measured without restarting the fit.
 * Times are wall-clock from the {@code fit} call, so they include the fit's data preparation
 * (converting the cached rows to blocks) and each epoch's validation pass.
 */
final class SparkgradRun {
  private SparkgradRun() {}

  /** What one fit recorded. */
  record Result(Curve curve, List<EpochStats> epochs, double fitSeconds) {
    /** Training rows per second over the epochs after the first (JIT warm-up), or all if one. */
    double steadySamplesPerSecond() {
      return steadySum(EpochStats::samples) / steadySum(EpochStats::seconds);
    }

    /** The sum of {@code value} over the epochs after the first (JIT warm-up), or all if one. */
    private double steadySum(java.util.function.ToDoubleFunction<EpochStats> value) {
      List<EpochStats> use = epochs.size() > 1 ? epochs.subList(1, epochs.size()) : epochs;
      return use.stream().mapToDouble(value).sum();
    }

    /**
     * The curve timed as PyTorch's is: from the first step, by the epochs' own seconds (each
     * epoch's validation pass included), without the fit's data preparation.
     */
    Curve fromFirstStep() {
      Curve c = new Curve(curve.system() + ", from step 1");
      double t = 0;
      for (EpochStats e : epochs) {
        t += e.seconds();
        if (e.hasValidation()) {
          c.add(t, e.validationMetric(), "epoch " + e.epoch());
        }
      }
      c.samplesPerSecond(steadySamplesPerSecond());
      c.note("without the fit's data preparation");
      return c;
    }

    /** Mean wall-clock milliseconds per optimizer step over the same epochs. */
    double steadyMillisPerStep() {
      return 1000 * steadySum(EpochStats::seconds) / steadySum(EpochStats::steps);
    }
  }

  static NeuralNetClassifier classifier(RaceOptions o) {
    return new NeuralNetClassifier()
        .setFeaturesCol(RaceData.FEATURES)
        .setLabelCol(RaceData.LABEL)
        .setHiddenLayers(new int[] {256, 128})
        .setActivation("relu")
        .setOptimizer("adam")
        .setLearningRate(o.lr)
        .setBatchSize(o.batchSize)
        .setMaxEpochs(o.epochs)
        .setSeed(o.seed);
  }

  /**
   * Fits on {@code df}; with {@code testCol} its true rows are the validation (test) rows and every
   * epoch adds a point to the curve.
   */
  static Result fit(Dataset<Row> df, RaceOptions o, String testCol, String name, int epochs) {
    return fit(classifier(o).setMaxEpochs(epochs), df, testCol, name);
  }

  /** As {@link #fit(Dataset, RaceOptions, String, String, int)}, with the classifier {@code c}. */
  static Result fit(NeuralNetClassifier c, Dataset<Row> df, String testCol, String name) {
    if (testCol != null) {
      c.setValidationIndicatorCol(testCol);
    }
    Curve curve = new Curve(name);
    List<EpochStats> history = new ArrayList<>();
    long[] start = {0};
    c.setTrainingListener(
        s -> {
          double t = (System.nanoTime() - start[0]) / 1e9;
          history.add(s);
          if (s.hasValidation()) {
            curve.add(t, s.validationMetric(), "epoch " + s.epoch());
          }
          System.out.printf(Locale.ROOT, "  [%s] %.1f s since fit start: %s%n", name, t, s);
        });
    start[0] = System.nanoTime();
    c.fit(df);
    double seconds = (System.nanoTime() - start[0]) / 1e9;
    Result r = new Result(curve, history, seconds);
    curve.samplesPerSecond(r.steadySamplesPerSecond());
    return r;
  }
}
