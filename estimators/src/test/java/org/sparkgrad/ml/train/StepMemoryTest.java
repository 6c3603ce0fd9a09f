package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The step memory estimate and its messages, without Spark. */
class StepMemoryTest {
  private static final long GIB = 1L << 30;

  /** 4 inputs, Linear(4, 8), ReLU, Linear(8, 3): 23 floats per row kept, 67 weights. */
  private static StepMemory small() {
    return StepMemory.of(NetworkSpec.simple(4, new int[] {8}, "relu", 0, 3).build(0), 4, null);
  }

  @Test
  void countsTheInputEveryLayerOutputAndTheirGradientsPerRowPlusTheWeightsOnce() {
    // Per row: 2 * 4 bytes * (4 + 8 + 8 + 3); per task: 3 * 4 bytes * 67 weights.
    assertThat(small().bytes(0)).isEqualTo(3 * 4 * 67);
    assertThat(small().bytes(10)).isEqualTo(10 * 2 * 4 * 23 + 3 * 4 * 67);
  }

  @Test
  void dropoutAndWideLayersCountByTheirMeasuredWidth() {
    StepMemory m =
        StepMemory.of(NetworkSpec.simple(5, new int[] {100, 7}, "tanh", 0.5, 2).build(0), 5, null);
    // 5 + (100 + 100 + 100) + (7 + 7 + 7) + 2 floats per row: linear, tanh, dropout per hidden
    // layer.
    long weights = 5 * 100 + 100 + 100 * 7 + 7 + 7 * 2 + 2;
    assertThat(m.bytes(3)).isEqualTo(3 * 2 * 4 * 328L + 3 * 4 * weights);
  }

  @Test
  void imageRowsAreMeasuredInTheirInputShape() {
    NetworkSpec spec =
        NetworkSpec.parse(
            "{\"input_shape\": [1, 6, 6], \"layers\": ["
                + "{\"type\": \"conv2d\", \"in_channels\": 1, \"out_channels\": 2,"
                + " \"kernel_size\": 3},"
                + "{\"type\": \"max_pool2d\", \"kernel_size\": 2},"
                + "{\"type\": \"flatten\"},"
                + "{\"type\": \"linear\", \"in_features\": 8, \"out_features\": 3}]}");
    StepMemory m = StepMemory.of(spec.build(0), 36, spec.inputShape());
    // 36 inputs, conv 2x4x4 = 32, pool 2x2x2 = 8, flatten 8, linear 3 floats per row;
    // weights: conv 2*9 + 2, linear 8*3 + 3.
    long weights = 2 * 9 + 2 + 8 * 3 + 3;
    assertThat(m.bytes(5)).isEqualTo(5 * 2 * 4 * (36L + 32 + 8 + 8 + 3) + 3 * 4 * weights);
  }

  @Test
  void aStepThatCannotFitTheHeapFailsNamingBatchSizeAndTheMemory() {
    StepMemory m = small();
    long rows = 2_000_000_000L;
    assertThatThrownBy(() -> m.check(rows, 4_000_000, GIB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "batchSize 4000000 needs about "
                + StepMemory.gib(m.bytes(rows))
                + " per task for activations and gradients of this network (2000000000 rows of"
                + " the minibatch in this partition); the executor heap is 1.0 GiB: lower"
                + " batchSize or raise spark.executor.memory");
    assertThat(StepMemory.gib(m.bytes(rows))).isEqualTo("342.7 GiB");
    assertThatCode(() -> m.check(1000, 1000, GIB)).doesNotThrowAnyException();
  }

  @Test
  void anOutOfMemoryErrorBecomesTheSameMessageWithTheErrorAsCause() {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    IllegalArgumentException e = small().outOfMemory(oom, 1000, 1000, 2 * GIB);
    assertThat(e)
        .hasMessageStartingWith(
            "a training step ran out of memory (java.lang.OutOfMemoryError: Java heap space):"
                + " batchSize 1000 needs about 0.0 GiB per task")
        .hasMessageEndingWith(
            "the executor heap is 2.0 GiB: lower batchSize or raise spark.executor.memory")
        .hasCause(oom);
  }
}
