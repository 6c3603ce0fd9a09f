package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.Locale;

/**
 * The figures of one training epoch, as logged, passed to a {@link TrainingListener} and kept in
 * the {@link TrainingSummary}.
 *
 * @param epoch the epoch, counted from 1
 * @param maxEpochs the epochs the fit was asked for
 * @param trainLoss the weighted mean training loss over the epoch's steps
 * @param trainMetric the weighted mean training accuracy, or RMSE for a regressor, over the steps
 * @param validationLoss the weighted mean validation loss at the end of the epoch; NaN without
 *     validation rows
 * @param validationMetric the validation accuracy (classifier) or RMSE (regressor); NaN without
 *     validation rows
 * @param metricName {@code accuracy} or {@code rmse}
 * @param learningRate the learning rate of the epoch's last step
 * @param steps the optimizer steps taken in the epoch
 * @param samples the training rows seen in the epoch
 * @param seconds the wall-clock time of the epoch, validation included
 */
public record EpochStats(
    int epoch,
    int maxEpochs,
    double trainLoss,
    double trainMetric,
    double validationLoss,
    double validationMetric,
    String metricName,
    double learningRate,
    int steps,
    long samples,
    double seconds)
    implements Serializable {

  /** Training rows per second over the epoch. */
  public double samplesPerSecond() {
    return seconds > 0 ? samples / seconds : Double.NaN;
  }

  /** True if the epoch had validation rows. */
  public boolean hasValidation() {
    return !Double.isNaN(validationLoss);
  }

  /** The one-line form that the fit logs. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "epoch %d/%d: loss %.5g, %s %.5g",
            epoch,
            maxEpochs,
            trainLoss,
            metricName,
            trainMetric));
    if (hasValidation()) {
      sb.append(
          String.format(
              Locale.ROOT,
              ", validation loss %.5g, validation %s %.5g",
              validationLoss,
              metricName,
              validationMetric));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            ", lr %.4g, %d steps, %.2f s, %.0f samples/s",
            learningRate,
            steps,
            seconds,
            samplesPerSecond()));
    return sb.toString();
  }
}
