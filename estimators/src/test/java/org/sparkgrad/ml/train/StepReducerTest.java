package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How every reducer sums a round of batch norm's statistics ({@link StepReducer#sumInOrder}): in
 * partition order, in double, rounded once, so that the step channel and the in-memory trainer
 * agree bit for bit.
 */
class StepReducerTest {
  private static final float BIG = (float) Math.scalb(1.0, 60);

  @Test
  void aRoundIsSummedInPartitionOrderInDoubleAndRoundedOnce() {
    // Value 0, in order: (2^60 + 1) - 2^60 = 0 in double (2^60 absorbs the 1); adding the two big
    // values first would give 1. Value 1: 2^24 + 1 + 1 is 2^24 + 2 in double, and 2^24 in float32
    // throughout (each 1 is half an ulp there, rounded to even).
    float[] sums =
        StepReducer.sumInOrder(
            StepReducer.round(0, 1),
            List.of(new float[] {BIG, 16_777_216f}, new float[] {1f, 1f}, new float[] {-BIG, 1f}));
    assertThat(sums[0]).isZero();
    assertThat(sums[1]).isEqualTo(16_777_218f);
    assertThat(StepReducer.sumInOrder(7, List.of(new float[] {1.5f, -2f})))
        .containsExactly(1.5f, -2f);
  }

  @Test
  void partialsOfDifferentLengthsAreRefusedWithTheRound() {
    assertThatThrownBy(
            () ->
                StepReducer.sumInOrder(
                    StepReducer.round(2, 3), List.of(new float[2], new float[3])))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("micro-batch 2, call 3")
        .hasMessageContaining("partials of 2 and 3 values");
  }
}
