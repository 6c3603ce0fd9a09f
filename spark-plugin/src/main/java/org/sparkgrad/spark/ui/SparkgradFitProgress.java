package org.sparkgrad.spark.ui;

import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.util.kvstore.KVIndex;

/**
 * Where a running or ended fit stands: the event a fit posts to Spark's listener bus when it
 * starts, about once a second while it trains ({@code spark.sparkgrad.ui.progressIntervalMs}), at
 * the end of each epoch, and when it ends. A custom {@code SparkListener} receives it in {@code
 * onOtherEvent}; Spark writes it to the event log as JSON with {@code "Event":
 * "org.sparkgrad.spark.ui.SparkgradFitProgress"}, and the Sparkgrad tab shows the last one of each
 * fit.
 *
 * <p>The last event of a fit is also its row in the application's status store (keyed by {@link
 * #fitId}), where the tab reads it, live and in the history server alike.
 *
 * @param fitId unique per fit in this application: the estimator's uid, {@code #}, a sequence
 *     number (the estimator copies of a {@code CrossValidator} share a uid)
 * @param estimator the estimator's class, such as {@code NeuralNetClassifier}
 * @param uid the estimator's uid
 * @param state {@code running}, {@code finished} or {@code failed}
 * @param epoch the epoch being trained, from 1 (0 before the first step)
 * @param epochs the most epochs the fit runs ({@code maxEpochs}); early stopping may end it sooner
 * @param step the steps done in this epoch, from 1 (0 before the first)
 * @param steps the steps of an epoch
 * @param loss the mean loss of the last step taken (NaN before the first)
 * @param epochLoss the mean loss of this epoch's steps so far (NaN before the first)
 * @param rows the training rows the fit has stepped over so far, counting each epoch's
 * @param startTime when the fit started training, epoch milliseconds
 * @param time when this event was posted, epoch milliseconds
 * @param error why a failed fit failed; empty otherwise
 */
public record SparkgradFitProgress(
    String fitId,
    String estimator,
    String uid,
    String state,
    int epoch,
    int epochs,
    int step,
    int steps,
    double loss,
    double epochLoss,
    long rows,
    long startTime,
    long time,
    String error)
    implements SparkListenerEvent {
  /** A fit that is training. */
  public static final String RUNNING = "running";

  /** A fit that ended with a model. */
  public static final String FINISHED = "finished";

  /** A fit that ended with an error. */
  public static final String FAILED = "failed";

  /** The status store's key: one row per fit. */
  @Override
  @KVIndex
  public String fitId() {
    return fitId;
  }

  /** The status store's index of fits by start time, for the tab's order. */
  @KVIndex("startTime")
  public long startedAt() {
    return startTime;
  }

  /** Milliseconds from the start of training to this event. */
  public long elapsedMs() {
    return Math.max(0, time - startTime);
  }

  /** Training rows per second of the fit so far (0 before any time has passed). */
  public double rowsPerSecond() {
    long ms = elapsedMs();
    return ms == 0 ? 0 : rows * 1000.0 / ms;
  }
}
