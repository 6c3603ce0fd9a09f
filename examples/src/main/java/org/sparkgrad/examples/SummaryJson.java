package org.sparkgrad.examples;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.ml.train.EpochStats;
import org.sparkgrad.ml.train.TrainingSummary;
import org.sparkgrad.util.StrictJson;

/**
 * The training summary that {@link TrainJob} writes as JSON (records, written by Jackson): what was
 * trained on, the settings, one entry per epoch (loss, metric, validation loss and metric, learning
 * rate, steps, samples, seconds, samples per second) and the test metrics. A figure that does not
 * exist (validation without validation rows) is {@code null}, since JSON has no NaN.
 */
public final class SummaryJson {
  private SummaryJson() {}

  /** Row counts of the splits. */
  public record Counts(long train, long validation, long test) {}

  /** The estimator settings the summary repeats. */
  public record Params(
      List<Integer> hiddenLayers,
      String activation,
      double dropout,
      String optimizer,
      double learningRate,
      int batchSize,
      int maxEpochs,
      long seed,
      String device) {}

  /** One epoch's figures; null where a figure does not exist. */
  public record Epoch(
      int epoch,
      Double trainLoss,
      Double trainMetric,
      Double validationLoss,
      Double validationMetric,
      Double learningRate,
      int steps,
      long samples,
      Double seconds,
      Double samplesPerSecond) {
    static Epoch of(EpochStats e) {
      return new Epoch(
          e.epoch(),
          finite(e.trainLoss()),
          finite(e.trainMetric()),
          finite(e.validationLoss()),
          finite(e.validationMetric()),
          finite(e.learningRate()),
          e.steps(),
          e.samples(),
          finite(e.seconds()),
          finite(e.samplesPerSecond()));
    }
  }

  /** The whole summary file. */
  public record Summary(
      String task,
      String input,
      String model,
      Counts rows,
      Params params,
      String metricName,
      List<Epoch> epochs,
      boolean earlyStopped,
      int bestEpoch,
      Double fitSeconds,
      Map<String, Double> test) {}

  /** The summary of a finished run. */
  static Summary build(
      TrainOptions o,
      TrainingSummary s,
      Counts counts,
      Map<String, Double> testMetrics,
      double fitSeconds) {
    var est = o.estimator();
    Params params =
        new Params(
            Arrays.stream(est.getHiddenLayers()).boxed().toList(),
            est.getActivation(),
            est.getDropout(),
            est.getOptimizer(),
            est.getLearningRate(),
            est.getBatchSize(),
            est.getMaxEpochs(),
            est.getSeed(),
            est.getDevice());
    Map<String, Double> test = new LinkedHashMap<>();
    testMetrics.forEach((k, v) -> test.put(k, finite(v)));
    return new Summary(
        o.task(),
        o.input().input(),
        o.output(),
        counts,
        params,
        s.epochs().isEmpty() ? null : s.epochs().get(0).metricName(),
        s.epochs().stream().map(Epoch::of).toList(),
        s.earlyStopped(),
        s.bestEpoch(),
        finite(fitSeconds),
        test);
  }

  /** The summary as UTF-8 JSON text with a trailing newline. */
  static byte[] toBytes(Summary summary) {
    return (StrictJson.write(summary) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
