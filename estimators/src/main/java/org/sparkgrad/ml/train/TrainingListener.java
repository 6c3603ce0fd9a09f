package org.sparkgrad.ml.train;

/**
 * Called on the driver after each training epoch, for example to plot the learning curve live in a
 * notebook. Set with {@code setTrainingListener} on an estimator; it is not a param and is neither
 * saved nor copied into the model. It runs on the fitting thread: a slow listener slows the fit,
 * and an exception from it stops the fit.
 */
@FunctionalInterface
public interface TrainingListener {
  /** Receives the figures of the epoch that just ended. */
  void onEpochEnd(EpochStats stats);
}
