package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.List;

/**
 * The hyper-parameters of a fit, with no Spark in them: what the estimators' params become, and
 * what the Spark-free {@link Trainer} runs on.
 *
 * @param optimizer {@code sgd}, {@code adam}, {@code adamw} or {@code rmsprop}
 * @param learningRate the (peak) learning rate, {@code > 0}
 * @param momentum momentum of sgd and rmsprop, in [0, 1)
 * @param weightDecay {@code >= 0}
 * @param lrSchedule {@code constant}, {@code step}, {@code cosine} or {@code linear}
 * @param lrStepSize epochs between decays of the step schedule, {@code >= 1}
 * @param lrGamma decay factor of the step schedule, in (0, 1]
 * @param warmupSteps steps of linear warm-up, {@code >= 0}
 * @param gradClipNorm maximum global gradient 2-norm; 0: no clipping
 * @param batchSize rows of the global minibatch, {@code >= 1}
 * @param maxEpochs {@code >= 1}
 * @param seed initial weights, row order and dropout masks
 * @param shuffle reshuffle every epoch
 * @param dropLast skip an incomplete last minibatch
 * @param earlyStoppingPatience epochs without a better validation loss before stopping; 0: never
 */
public record TrainingConfig(
    String optimizer,
    double learningRate,
    double momentum,
    double weightDecay,
    String lrSchedule,
    int lrStepSize,
    double lrGamma,
    int warmupSteps,
    double gradClipNorm,
    int batchSize,
    int maxEpochs,
    long seed,
    boolean shuffle,
    boolean dropLast,
    int earlyStoppingPatience)
    implements Serializable {

  /** Checks every value, with the param's name in the message. */
  public TrainingConfig {
    oneOf("optimizer", optimizer, List.of("sgd", "adam", "adamw", "rmsprop"));
    oneOf("lrSchedule", lrSchedule, List.of("constant", "step", "cosine", "linear"));
    check(learningRate > 0, "learningRate must be > 0, got " + learningRate);
    check(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got " + momentum);
    check(weightDecay >= 0, "weightDecay must be >= 0, got " + weightDecay);
    check(lrStepSize >= 1, "lrStepSize must be >= 1, got " + lrStepSize);
    check(lrGamma > 0 && lrGamma <= 1, "lrGamma must be in (0, 1], got " + lrGamma);
    check(warmupSteps >= 0, "warmupSteps must be >= 0, got " + warmupSteps);
    check(gradClipNorm >= 0, "gradClipNorm must be >= 0, got " + gradClipNorm);
    check(batchSize >= 1, "batchSize must be >= 1, got " + batchSize);
    check(maxEpochs >= 1, "maxEpochs must be >= 1, got " + maxEpochs);
    check(
        earlyStoppingPatience >= 0,
        "earlyStoppingPatience must be >= 0, got " + earlyStoppingPatience);
  }

  /** The steps of one epoch over {@code rows} training rows. */
  public int stepsPerEpoch(long rows) {
    long steps = dropLast ? rows / batchSize : (rows + batchSize - 1) / batchSize;
    if (steps > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many steps per epoch: " + steps);
    }
    return (int) steps;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static void oneOf(String name, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException(
          name + " must be one of " + allowed + ", got '" + value + "'");
    }
  }
}
