package org.sparkgrad.ml.train;

import java.util.List;
import org.sparkgrad.ml.data.PartitionData;

/**
 * A {@link Trainer.GradientSource} over partitions held in this JVM, computed one after another:
 * the Spark-free twin of the distributed source, for tests and for training without a cluster. The
 * partitions' training row ids must already be assigned ({@link RowIds#assign}). A network with
 * batch norm sums its batch statistics across the partitions by replaying each step round by round
 * ({@link ReplayedStep}).
 */
public final class LocalGradientSource implements Trainer.LocalStepsSource {
  private final List<PartitionData> partitions;
  private final GradientStep step;

  /** A source over {@code partitions}, each computed by {@code step}. */
  public LocalGradientSource(List<PartitionData> partitions, GradientStep step) {
    this.partitions = List.copyOf(partitions);
    this.step = step;
  }

  @Override
  public StepResult step(
      float[] weights, float[] buffers, int epoch, int s, int stepsPerEpoch, int maxEpochs) {
    if (step.batchStatistics() && partitions.size() > 1) {
      return ReplayedStep.run(
          known ->
              partitions.stream()
                  .map(p -> ReplayedStep.partition(step, p, weights, buffers, epoch, s, known))
                  .toList());
    }
    StepResult acc = new StepResult();
    for (PartitionData p : partitions) {
      acc.merge(step.train(p, weights, buffers, epoch, s, StepReducer.ALONE));
    }
    return acc;
  }

  @Override
  public LocalStepsResult localSteps(
      TrainingConfig config,
      float[] weights,
      OptimizerSnapshot state,
      int epoch,
      int firstStep,
      double[] lrs,
      int stepsPerEpoch,
      int maxEpochs) {
    LocalSteps work = new LocalSteps(step, config);
    LocalStepsResult acc = new LocalStepsResult();
    for (PartitionData p : partitions) {
      acc.merge(work.run(p, weights, state, epoch, firstStep, lrs));
    }
    return acc;
  }

  @Override
  public StepResult validate(float[] weights, float[] buffers) {
    StepResult acc = new StepResult();
    for (PartitionData p : partitions) {
      acc.merge(step.evaluate(p, weights, buffers));
    }
    return acc;
  }
}
