package org.sparkgrad.examples;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.ml.EpochStats;
import org.sparkgrad.ml.TrainingSummary;
import org.sparkgrad.util.Json;

/**
 * The training summary that {@link TrainJob} writes as JSON: what was trained on, the settings, one
 * entry per epoch (loss, metric, validation loss and metric, learning rate, steps, samples,
 * seconds, samples per second) and the test metrics. A figure that does not exist (validation
 * without validation rows) is {@code null}, since JSON has no NaN.
 */
final class SummaryJson {
  private SummaryJson() {}

  /** Row counts of the splits. */
  record Counts(long train, long validation, long test) {}

  /** The summary as a JSON object (a map in key order). */
  static Map<String, Object> build(
      TrainOptions o,
      TrainingSummary s,
      Counts counts,
      Map<String, Double> testMetrics,
      double fitSeconds) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("task", o.task());
    root.put("input", o.input().input());
    root.put("model", o.output());
    Map<String, Object> rows = new LinkedHashMap<>();
    rows.put("train", counts.train());
    rows.put("validation", counts.validation());
    rows.put("test", counts.test());
    root.put("rows", rows);
    Map<String, Object> params = new LinkedHashMap<>();
    var est = o.estimator();
    params.put("hiddenLayers", est.getHiddenLayers());
    params.put("activation", est.getActivation());
    params.put("dropout", est.getDropout());
    params.put("optimizer", est.getOptimizer());
    params.put("learningRate", est.getLearningRate());
    params.put("batchSize", est.getBatchSize());
    params.put("maxEpochs", est.getMaxEpochs());
    params.put("seed", est.getSeed());
    params.put("device", est.getDevice());
    root.put("params", params);
    List<Object> epochs = new ArrayList<>();
    for (EpochStats e : s.epochs()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", e.epoch());
      m.put("trainLoss", finite(e.trainLoss()));
      m.put("trainMetric", finite(e.trainMetric()));
      m.put("validationLoss", finite(e.validationLoss()));
      m.put("validationMetric", finite(e.validationMetric()));
      m.put("learningRate", finite(e.learningRate()));
      m.put("steps", e.steps());
      m.put("samples", e.samples());
      m.put("seconds", finite(e.seconds()));
      m.put("samplesPerSecond", finite(e.samplesPerSecond()));
      epochs.add(m);
    }
    root.put("metricName", s.epochs().isEmpty() ? null : s.epochs().get(0).metricName());
    root.put("epochs", epochs);
    root.put("earlyStopped", s.earlyStopped());
    root.put("bestEpoch", s.bestEpoch());
    root.put("fitSeconds", finite(fitSeconds));
    Map<String, Object> test = new LinkedHashMap<>();
    testMetrics.forEach((k, v) -> test.put(k, finite(v)));
    root.put("test", test);
    return root;
  }

  /** The summary as UTF-8 JSON text with a trailing newline. */
  static byte[] toBytes(Map<String, Object> summary) {
    return (Json.write(summary) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
