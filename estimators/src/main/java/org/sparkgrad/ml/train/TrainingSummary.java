package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.List;

/**
 * How a fit went, epoch by epoch, as {@code model.summary()} returns it. Like MLlib's training
 * summaries it exists only on a freshly fitted model, not on a loaded one.
 */
public final class TrainingSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<EpochStats> epochs;
  private final boolean earlyStopped;
  private final int bestEpoch;

  /**
   * A summary.
   *
   * @param epochs the epochs run, in order
   * @param earlyStopped whether early stopping ended the fit before {@code maxEpochs}
   * @param bestEpoch the epoch (from 1) whose weights the model has: the best validation loss with
   *     early stopping, else the last epoch
   */
  public TrainingSummary(List<EpochStats> epochs, boolean earlyStopped, int bestEpoch) {
    this.epochs = List.copyOf(epochs);
    this.earlyStopped = earlyStopped;
    this.bestEpoch = bestEpoch;
  }

  /** The epochs run, in order. */
  public List<EpochStats> epochs() {
    return epochs;
  }

  /** The number of epochs run. */
  public int totalEpochs() {
    return epochs.size();
  }

  /** Whether early stopping ended the fit. */
  public boolean earlyStopped() {
    return earlyStopped;
  }

  /** The epoch (from 1) whose weights the model has. */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** The training loss of each epoch. */
  public double[] trainLoss() {
    return epochs.stream().mapToDouble(EpochStats::trainLoss).toArray();
  }

  /** The training accuracy (or RMSE) of each epoch. */
  public double[] trainMetric() {
    return epochs.stream().mapToDouble(EpochStats::trainMetric).toArray();
  }

  /** The validation loss of each epoch (NaN without validation rows). */
  public double[] validationLoss() {
    return epochs.stream().mapToDouble(EpochStats::validationLoss).toArray();
  }

  /** The validation accuracy (or RMSE) of each epoch (NaN without validation rows). */
  public double[] validationMetric() {
    return epochs.stream().mapToDouble(EpochStats::validationMetric).toArray();
  }

  /** The learning rate at the end of each epoch. */
  public double[] learningRate() {
    return epochs.stream().mapToDouble(EpochStats::learningRate).toArray();
  }

  /** The seconds each epoch took. */
  public double[] seconds() {
    return epochs.stream().mapToDouble(EpochStats::seconds).toArray();
  }

  /** The training rows per second of each epoch. */
  public double[] samplesPerSecond() {
    return epochs.stream().mapToDouble(EpochStats::samplesPerSecond).toArray();
  }

  /** The optimizer steps of each epoch. */
  public int[] steps() {
    return epochs.stream().mapToInt(EpochStats::steps).toArray();
  }

  /** The optimizer steps of the whole fit. */
  public long totalSteps() {
    return epochs.stream().mapToLong(EpochStats::steps).sum();
  }

  @Override
  public String toString() {
    return "TrainingSummary(epochs="
        + epochs.size()
        + ", earlyStopped="
        + earlyStopped
        + ", bestEpoch="
        + bestEpoch
        + ")";
  }
}
