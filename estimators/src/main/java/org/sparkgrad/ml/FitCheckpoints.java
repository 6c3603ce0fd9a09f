package org.sparkgrad.ml;

import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.ml.data.PreparedData;
import org.sparkgrad.ml.io.CheckpointStore;
import org.sparkgrad.ml.io.Checkpointing;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Objective;
import org.sparkgrad.ml.train.RunFingerprint;
import org.sparkgrad.ml.train.TrainingConfig;

/**
 * The checkpoints of a fit from the estimator's params: the folder, the policy, and the run's
 * fingerprint, including a hash of the prepared rows' content (see docs/CHECKPOINTS.md).
 */
final class FitCheckpoints {
  private FitCheckpoints() {}

  /**
   * The checkpoints of a fit of {@code spec} on {@code data}, or null without {@code
   * checkpointDir}; close them when the fit ends.
   *
   * @param start the warm-start weights, or null
   * @throws IllegalStateException if another fit in this JVM uses the folder
   */
  static Checkpointing open(
      NeuralNetParams p,
      TrainingConfig config,
      NetworkSpec spec,
      Objective objective,
      PreparedData data,
      float[] start,
      Configuration hadoop) {
    if (p.getCheckpointDir().isEmpty()) {
      return null;
    }
    return Checkpointing.open(
        new CheckpointStore(new Path(p.getCheckpointDir()), hadoop),
        spec,
        fingerprint(p, config, spec, objective, data, start),
        new Checkpointing.Settings(
            p.getCheckpointInterval(),
            p.getCheckpointIntervalUnit(),
            p.getKeepCheckpoints(),
            p.getCheckpointOverwrite()),
        config.maxEpochs());
  }

  /** The run's fingerprint, with the params that set how steps are grouped into Spark jobs. */
  private static Map<String, String> fingerprint(
      NeuralNetParams p,
      TrainingConfig config,
      NetworkSpec spec,
      Objective objective,
      PreparedData data,
      float[] start) {
    Map<String, String> f =
        RunFingerprint.of(
            config,
            spec,
            objective,
            data.trainRows(),
            data.validationRows(),
            start,
            contentHash(data));
    f.put("gradAccumulationSteps", Integer.toString(p.getGradAccumulationSteps()));
    f.put("localSteps", Integer.toString(p.getLocalSteps()));
    if (!p.getPrecision().equals("float32")) { // float32 fits keep their earlier fingerprint
      f.put("precision", p.getPrecision());
    }
    return f;
  }

  /**
   * An order-independent hash of the rows' content (one Spark job over the cached blocks): the sum
   * of the mixed row hashes, training and validation rows apart.
   */
  private static String contentHash(PreparedData data) {
    long[] sums =
        data.partitions()
            .map(PartitionData::hashSums)
            .reduce((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
    return String.format(Locale.ROOT, "%016x/%016x", sums[0], sums[1]);
  }
}
