package org.sparkgrad.ml.train;

import java.util.List;
import org.sparkgrad.optim.Optimizer;

/**
 * Early stopping's state within one fit: the best validation loss so far, its epoch (from 1; 0 when
 * none yet), its weights and buffers, and the epochs since it. It also writes the fit's
 * checkpoints, since what a checkpoint keeps of the best weights depends on this state.
 */
final class BestEpoch {
  private float[] weights;
  private float[] buffers;
  private double loss = Double.POSITIVE_INFINITY;
  private int epoch;
  private int sinceBest;

  /**
   * The state {@code resumed} saved; the best weights and buffers default to {@code weights} (a
   * copy) and {@code buffers} when the checkpoint kept none (they were the current ones).
   */
  static BestEpoch resumed(TrainingCheckpoint resumed, float[] weights, float[] buffers) {
    BestEpoch best = new BestEpoch();
    best.weights = resumed.bestWeights() != null ? resumed.bestWeights() : weights.clone();
    best.buffers = resumed.bestBuffers() != null ? resumed.bestBuffers() : buffers;
    best.loss = resumed.bestLoss();
    best.epoch = resumed.bestEpoch();
    best.sinceBest = resumed.sinceBest();
    return best;
  }

  /**
   * Records epoch {@code epoch} (from 1) with validation loss {@code validationLoss}: keeps a copy
   * of {@code current} (the step buffers are reused) and {@code currentBuffers} if the loss is the
   * best so far, else counts one more epoch since the best; returns whether it was the best.
   */
  boolean record(int epoch, double validationLoss, float[] current, float[] currentBuffers) {
    if (validationLoss < loss) {
      loss = validationLoss;
      weights = current.clone();
      buffers = currentBuffers;
      this.epoch = epoch;
      sinceBest = 0;
      return true;
    }
    sinceBest++;
    return false;
  }

  /** Whether {@code patience} epochs have passed without a better validation loss. */
  boolean exhausted(int patience) {
    return sinceBest >= patience;
  }

  /** The epoch (from 1) of the best validation loss, 0 when none was recorded. */
  int epoch() {
    return epoch;
  }

  /** The best weights (shared, not a copy). */
  float[] weights() {
    return weights;
  }

  /** The buffers of the best weights (shared, not a copy). */
  float[] buffers() {
    return buffers;
  }

  /**
   * Everything the fit needs to go on from {@code at}: the current weights, buffers and optimizer
   * state, the epoch's sums so far (copied), its seconds so far, the history, and this state (the
   * best weights only when early stopping keeps weights other than the current ones).
   */
  TrainingCheckpoint checkpoint(
      float[] current,
      float[] currentBuffers,
      Optimizer optimizer,
      FitRun.Position at,
      StepResult partial,
      double seconds,
      List<EpochStats> history,
      boolean early,
      boolean stopped) {
    boolean keepBest = early && epoch > 0 && !(at.step() == 0 && at.epoch() == epoch);
    return new TrainingCheckpoint(
        current,
        currentBuffers,
        optimizer.stateDict(),
        at.epoch(),
        at.step(),
        at.globalStep(),
        new StepResult().merge(partial),
        seconds,
        history,
        keepBest ? weights : null,
        keepBest ? buffers : null,
        loss,
        epoch,
        sinceBest,
        stopped);
  }
}
