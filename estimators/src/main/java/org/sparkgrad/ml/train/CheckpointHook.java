package org.sparkgrad.ml.train;

/**
 * Where a {@link Trainer} saves its progress and finds progress to resume from; the Spark-free side
 * of checkpoints (the estimators' implementation writes through the Hadoop {@code FileSystem}). The
 * trainer asks {@link #resume} once before the first step, then after every optimizer step and
 * every epoch whether a checkpoint is due, and {@link #save}s one if so.
 */
public interface CheckpointHook {
  /**
   * The progress to resume from, or null to train from the beginning.
   *
   * @param stepsPerEpoch the optimizer steps of one epoch of this fit
   * @throws IllegalArgumentException if the progress found belongs to a different run
   */
  TrainingCheckpoint resume(int stepsPerEpoch);

  /** True if a checkpoint is due after {@code globalSteps} optimizer steps, in mid-epoch. */
  boolean dueAfterStep(long globalSteps);

  /**
   * True if a checkpoint is due at the end of epoch {@code epochs} (counted from 1), after {@code
   * globalSteps} optimizer steps; {@code last} is true when the fit ends with this epoch.
   */
  boolean dueAfterEpoch(int epochs, long globalSteps, boolean last);

  /** Saves {@code checkpoint} (which the trainer will not change afterwards). */
  void save(TrainingCheckpoint checkpoint);
}
