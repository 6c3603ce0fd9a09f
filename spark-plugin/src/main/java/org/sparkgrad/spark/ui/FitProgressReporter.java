package org.sparkgrad.spark.ui;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Turns one fit's steps into {@link SparkgradFitProgress} events, throttled so that a fast fit
 * (hundreds of steps a second through the step channel) does not flood Spark's listener bus: a
 * step's event is posted when at least the interval has passed since the last one, or when it ends
 * its epoch; the fit's start and end are always posted. It runs on the fitting thread and is not
 * thread-safe.
 */
public final class FitProgressReporter {
  private static final AtomicLong FITS = new AtomicLong();

  private final Consumer<SparkgradFitProgress> sink;
  private final LongSupplier nanoClock;
  private final long intervalNanos;
  private final String fitId;
  private final String estimator;
  private final String uid;
  private final long startNanos;
  private final long startTime;
  private long lastPost;
  private int epoch;
  private int epochs;
  private int step;
  private int steps;
  private double loss = Double.NaN;
  private double epochLossSum;
  private double epochWeightSum;
  private long rows;
  private boolean ended;

  /**
   * A reporter of the fit of the estimator {@code estimator} (a class name) with uid {@code uid},
   * posting to {@code sink} at most about once per {@code intervalMs} milliseconds (0: every step);
   * it posts the fit's start at once.
   *
   * @param nanoClock the monotonic clock of the throttle, such as {@code System::nanoTime}
   * @param wallClock the epoch milliseconds of the events, such as {@code
   *     System::currentTimeMillis}
   * @throws IllegalArgumentException if {@code intervalMs} is negative
   */
  public FitProgressReporter(
      Consumer<SparkgradFitProgress> sink,
      String estimator,
      String uid,
      long intervalMs,
      LongSupplier nanoClock,
      LongSupplier wallClock) {
    if (intervalMs < 0) {
      throw new IllegalArgumentException(
          "spark.sparkgrad.ui.progressIntervalMs must be >= 0, got " + intervalMs);
    }
    this.sink = sink;
    this.nanoClock = nanoClock;
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
    this.estimator = estimator;
    this.uid = uid;
    this.fitId = uid + "#" + FITS.incrementAndGet();
    this.startNanos = nanoClock.getAsLong();
    this.startTime = wallClock.getAsLong();
    post(SparkgradFitProgress.RUNNING, "");
  }

  /** The fit's id in its events. */
  public String fitId() {
    return fitId;
  }

  /**
   * Records that steps up to {@code step} (from 1) of {@code steps} in epoch {@code epoch} (from 1)
   * of {@code epochs} are done, their summed loss {@code lossSum} over weight {@code weightSum} and
   * {@code count} rows; posts an event if one is due.
   */
  public void stepsDone(
      int epoch, int epochs, int step, int steps, double lossSum, double weightSum, long count) {
    if (epoch != this.epoch) {
      epochLossSum = 0;
      epochWeightSum = 0;
    }
    this.epoch = epoch;
    this.epochs = epochs;
    this.step = step;
    this.steps = steps;
    this.rows += count;
    if (weightSum > 0) {
      loss = lossSum / weightSum;
      epochLossSum += lossSum;
      epochWeightSum += weightSum;
    }
    if (step == steps || nanoClock.getAsLong() - lastPost >= intervalNanos) {
      post(SparkgradFitProgress.RUNNING, "");
    }
  }

  /** Posts the fit's end: {@code finished}, or {@code failed} with {@code error}'s message. */
  public void ended(Throwable error) {
    if (ended) {
      return;
    }
    ended = true;
    if (error == null) {
      post(SparkgradFitProgress.FINISHED, "");
    } else {
      String m = error.getMessage();
      post(
          SparkgradFitProgress.FAILED,
          error.getClass().getSimpleName() + (m == null ? "" : ": " + m));
    }
  }

  private void post(String state, String error) {
    lastPost = nanoClock.getAsLong();
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(lastPost - startNanos);
    sink.accept(
        new SparkgradFitProgress(
            fitId,
            estimator,
            uid,
            state,
            epoch,
            epochs,
            step,
            steps,
            loss,
            epochWeightSum > 0 ? epochLossSum / epochWeightSum : Double.NaN,
            rows,
            startTime,
            startTime + elapsedMs,
            error));
  }
}
