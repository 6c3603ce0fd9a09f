package org.sparkgrad.ml.io;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkgrad.ml.EpochStats;

/** An {@link EpochStats} as a JSON object of a checkpoint's {@code state.json}, both ways. */
final class HistoryJson {
  private HistoryJson() {}

  static Map<String, Object> write(EpochStats e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", e.epoch());
    m.put("maxEpochs", e.maxEpochs());
    m.put("trainLoss", CheckpointCodec.num(e.trainLoss()));
    m.put("trainMetric", CheckpointCodec.num(e.trainMetric()));
    m.put("validationLoss", CheckpointCodec.num(e.validationLoss()));
    m.put("validationMetric", CheckpointCodec.num(e.validationMetric()));
    m.put("metricName", e.metricName());
    m.put("learningRate", CheckpointCodec.num(e.learningRate()));
    m.put("steps", e.steps());
    m.put("samples", e.samples());
    m.put("seconds", CheckpointCodec.num(e.seconds()));
    return m;
  }

  static EpochStats read(Map<String, Object> m) {
    if (!(m.get("metricName") instanceof String metric)) {
      throw new IllegalArgumentException("state.json: a history entry has no metricName");
    }
    return new EpochStats(
        (int) CheckpointCodec.integer(m, "epoch"),
        (int) CheckpointCodec.integer(m, "maxEpochs"),
        CheckpointCodec.number(m, "trainLoss"),
        CheckpointCodec.number(m, "trainMetric"),
        CheckpointCodec.number(m, "validationLoss"),
        CheckpointCodec.number(m, "validationMetric"),
        metric,
        CheckpointCodec.number(m, "learningRate"),
        (int) CheckpointCodec.integer(m, "steps"),
        CheckpointCodec.integer(m, "samples"),
        CheckpointCodec.number(m, "seconds"));
  }
}
