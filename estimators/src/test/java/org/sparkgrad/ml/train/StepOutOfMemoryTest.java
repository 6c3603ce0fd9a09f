package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sparkgrad.ml.data.BlockBuilder;
import org.sparkgrad.ml.data.PartitionData;

/**
 * An {@link OutOfMemoryError} in a training step (thrown here through {@link StepFaults}, where the
 * step would allocate its activations) leaves the step as the batchSize message, an error that
 * Spark does not treat as fatal, with the error as its cause; the next step runs normally.
 */
class StepOutOfMemoryTest {
  @AfterEach
  void removeHook() {
    StepFaults.install(null);
  }

  @Test
  void anOutOfMemoryErrorInAStepBecomesAnErrorNamingBatchSizeAndTheHeap() {
    BlockBuilder b = new BlockBuilder(3, 1, false);
    for (int i = 0; i < 40; i++) {
      b.add(new float[] {i, -i, 1}, new float[] {i % 2}, 1f);
    }
    PartitionData part =
        RowIds.assign(
                List.of(new PartitionData(0, b.build(), new BlockBuilder(3, 1, false).build())))
            .get(0);
    NetworkSpec spec = NetworkSpec.simple(3, new int[] {5}, "relu", 0, 2);
    GradientStep step = new GradientStep(spec, Objective.CROSS_ENTROPY, 7, 40, 16, true, "cpu");
    float[] weights = Replica.flatWeights(spec.build(1));
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    StepFaults.install(
        (partition, epoch, s) -> {
          if (s == 1) {
            throw oom;
          }
        });

    assertThatThrownBy(() -> step.train(part, weights, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "a training step ran out of memory (java.lang.OutOfMemoryError: Java heap space):"
                + " batchSize 16 needs about 0.0 GiB per task for activations and gradients of this"
                + " network (16 rows of the minibatch in this partition); the executor heap is ")
        .hasMessageEndingWith("GiB: lower batchSize or raise spark.executor.memory")
        .hasCause(oom);
    assertThat(step.train(part, weights, 0, 0).count()).isEqualTo(16);
  }
}
