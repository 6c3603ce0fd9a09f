package org.sparkgrad.ml.train;

import java.io.Serializable;

/**
 * How a fit amortises the fixed cost of a Spark job (the estimators' {@code gradAccumulationSteps}
 * and {@code localSteps} params).
 *
 * @param gradAccumulationSteps micro-batches of {@code batchSize} rows per optimizer step, each
 *     partition running them one after another in the same Spark job; the optimizer sees the
 *     gradient of {@code batchSize * gradAccumulationSteps} rows. {@code >= 1}
 * @param localSteps 1: synchronous (every optimizer step averages the gradient over all
 *     partitions). {@code k > 1}: each partition takes {@code k} optimizer steps on its own rows of
 *     the next {@code k} global minibatches, starting from the driver's weights and optimizer
 *     state, then weights and optimizer state are averaged over partitions, weighted by rows, in
 *     one Spark job. {@code >= 1}
 */
public record Amortisation(int gradAccumulationSteps, int localSteps) implements Serializable {
  /** Synchronous steps, no accumulation. */
  public static final Amortisation NONE = new Amortisation(1, 1);

  /** Checks both values, with the param's name in the message. */
  public Amortisation {
    if (gradAccumulationSteps < 1) {
      throw new IllegalArgumentException(
          "gradAccumulationSteps must be >= 1, got " + gradAccumulationSteps);
    }
    if (localSteps < 1) {
      throw new IllegalArgumentException("localSteps must be >= 1, got " + localSteps);
    }
  }

  /** The optimizer steps of one epoch: the rows over global minibatches of {@code B * k} rows. */
  public int stepsPerEpoch(TrainingConfig config, long rows) {
    long global = (long) config.batchSize() * gradAccumulationSteps;
    long steps = config.dropLast() ? rows / global : (rows + global - 1) / global;
    if (steps > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many steps per epoch: " + steps);
    }
    return (int) steps;
  }
}
