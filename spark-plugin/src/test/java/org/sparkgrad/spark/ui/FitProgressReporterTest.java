package org.sparkgrad.spark.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The throttle and the figures of a fit's progress events, on a hand-driven clock. */
class FitProgressReporterTest {
  private static final long START_MS = 1_700_000_000_000L;

  /** A clock that the test moves. */
  private static final class Clock {
    long nanos = 5_000_000_000L;

    void advanceMs(long ms) {
      nanos += TimeUnit.MILLISECONDS.toNanos(ms);
    }
  }

  @Test
  void aFastFitPostsAboutOncePerIntervalAndAtEachEpochEnd() {
    Clock clock = new Clock();
    List<SparkgradFitProgress> events = new ArrayList<>();
    FitProgressReporter r =
        new FitProgressReporter(
            events::add, "NeuralNetClassifier", "nnc_1", 1000, () -> clock.nanos, () -> START_MS);
    // 3 epochs of 50 steps, 30 ms each: 4.5 s of training, one step event due about every 34
    // steps, besides the 3 epoch ends.
    for (int epoch = 1; epoch <= 3; epoch++) {
      for (int step = 1; step <= 50; step++) {
        clock.advanceMs(30);
        r.stepsDone(epoch, 3, step, 50, 2.0 * 8, 8, 10);
      }
    }
    r.ended(null);
    List<SparkgradFitProgress> steps = events.subList(1, events.size() - 1);
    // Posted after 34 steps (1020 ms), step 50 (epoch end, 480 ms later), then 34 steps later...
    assertThat(steps)
        .extracting(e -> e.epoch() + ":" + e.step())
        .containsExactly("1:34", "1:50", "2:34", "2:50", "3:34", "3:50");
    assertThat(events.get(0).state()).isEqualTo(SparkgradFitProgress.RUNNING);
    assertThat(events.get(0).epoch()).isZero();
    SparkgradFitProgress last = events.get(events.size() - 1);
    assertThat(last.state()).isEqualTo(SparkgradFitProgress.FINISHED);
    assertThat(last.rows()).isEqualTo(1500);
    assertThat(last.elapsedMs()).isEqualTo(4500);
    assertThat(last.time()).isEqualTo(START_MS + 4500);
    assertThat(last.rowsPerSecond()).isCloseTo(1500 / 4.5, within(1e-9));
    assertThat(last.loss()).isEqualTo(2.0);
    assertThat(last.fitId()).startsWith("nnc_1#");
  }

  @Test
  void theEpochLossIsTheWeightedMeanOfItsStepsAndRestartsEachEpoch() {
    Clock clock = new Clock();
    List<SparkgradFitProgress> events = new ArrayList<>();
    FitProgressReporter r =
        new FitProgressReporter(events::add, "E", "u", 0, () -> clock.nanos, () -> START_MS);
    r.stepsDone(1, 2, 1, 2, 4.0, 2, 2); // mean 2
    r.stepsDone(1, 2, 2, 2, 3.0, 6, 6); // mean 0.5; epoch (4+3)/(2+6)
    r.stepsDone(2, 2, 1, 2, 1.0, 4, 4); // a new epoch: 0.25
    assertThat(events).hasSize(4); // interval 0: the start and every step
    assertThat(events.get(1).epochLoss()).isEqualTo(2.0);
    assertThat(events.get(2).loss()).isEqualTo(0.5);
    assertThat(events.get(2).epochLoss()).isEqualTo(7.0 / 8);
    assertThat(events.get(3).epochLoss()).isEqualTo(0.25);
    assertThat(events.get(3).rows()).isEqualTo(12);
  }

  @Test
  void aFailedFitSaysWhyAndEndsOnce() {
    List<SparkgradFitProgress> events = new ArrayList<>();
    FitProgressReporter r =
        new FitProgressReporter(events::add, "E", "u", 1000, () -> 0L, () -> START_MS);
    r.ended(new IllegalStateException("the loss became NaN"));
    r.ended(null);
    assertThat(events).hasSize(2);
    assertThat(events.get(1).state()).isEqualTo(SparkgradFitProgress.FAILED);
    assertThat(events.get(1).error()).isEqualTo("IllegalStateException: the loss became NaN");
    assertThat(events.get(1).loss()).isNaN();
  }

  @Test
  void eachFitHasItsOwnIdEvenWithTheSameUid() {
    List<SparkgradFitProgress> events = new ArrayList<>();
    new FitProgressReporter(events::add, "E", "same", 0, () -> 0L, () -> 0L);
    new FitProgressReporter(events::add, "E", "same", 0, () -> 0L, () -> 0L);
    assertThat(events.get(0).fitId()).isNotEqualTo(events.get(1).fitId());
  }

  @Test
  void aNegativeIntervalIsRejectedByName() {
    assertThatThrownBy(() -> new FitProgressReporter(e -> {}, "E", "u", -5, () -> 0L, () -> 0L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spark.sparkgrad.ui.progressIntervalMs must be >= 0, got -5");
  }
}
