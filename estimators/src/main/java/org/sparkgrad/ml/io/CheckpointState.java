package org.sparkgrad.ml.io;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.sparkgrad.ml.train.EpochStats;

/**
 * A checkpoint's {@code state.json}, bound by Jackson: everything of a {@link
 * org.sparkgrad.ml.train.TrainingCheckpoint} that is not a tensor. Doubles read back bit for bit;
 * NaN and the infinities are the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 *
 * @param formatVersion {@link CheckpointCodec#FORMAT_VERSION} of the writer
 * @param fingerprint the run's fingerprint: a restart resumes only a checkpoint of the same run
 * @param epoch the sampler's epoch
 * @param step the next step within the epoch
 * @param globalStep the steps taken since the start of the fit
 * @param partial the sums of the current epoch's steps so far
 * @param history the finished epochs
 * @param earlyStopping the early-stopping state
 * @param lossScale fp16's dynamic loss scaling state; absent (null) when the fit has none, so that
 *     the checkpoints of other fits are as before
 */
record CheckpointState(
    int formatVersion,
    Map<String, String> fingerprint,
    int epoch,
    int step,
    long globalStep,
    Partial partial,
    List<EpochStats> history,
    EarlyStopping earlyStopping,
    @JsonInclude(JsonInclude.Include.NON_NULL) LossScale lossScale) {

  /** The current epoch's sums: the {@code StepResult} so far and its wall-clock seconds. */
  record Partial(double lossSum, double weightSum, double metricSum, long count, double seconds) {}

  /** The best validation loss so far, its epoch, the epochs since, and whether the fit stopped. */
  record EarlyStopping(double bestLoss, int bestEpoch, int sinceBest, boolean stopped) {}

  /** The loss scaler's scale and its successful steps since the scale last changed. */
  record LossScale(float scale, int growthTracker) {}
}
