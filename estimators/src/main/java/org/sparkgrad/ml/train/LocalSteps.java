package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.List;
import org.sparkgrad.ml.data.PartitionData;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.tensor.Tensor;

/**
 * One partition's work in a local-steps round ({@code localSteps = k > 1}), with no Spark in it:
 * load the driver's weights and optimizer state into this thread's replica and a fresh optimizer,
 * then for each of the round's minibatches in which the partition has rows, take one optimizer step
 * on the mean gradient of its own rows of that minibatch (micro-batched as {@link GradientStep},
 * scaled, clipped and stepped by the synchronous step's {@link StepUpdate}, at the learning rate
 * the driver computed for that global step). Everything the round uses comes from the driver, so a
 * retried task computes the same result.
 */
public final class LocalSteps implements Serializable {
  private static final long serialVersionUID = 1L;

  private final GradientStep step;
  private final TrainingConfig config;

  /** The rounds of a fit whose partitions are computed by {@code step}. */
  public LocalSteps(GradientStep step, TrainingConfig config) {
    this.step = step;
    this.config = config;
  }

  /**
   * The round over minibatches {@code firstStep .. firstStep + lrs.length - 1} of epoch {@code
   * epoch} on {@code data}, from {@code weights} and {@code state}.
   */
  public LocalStepsResult run(
      PartitionData data,
      float[] weights,
      OptimizerSnapshot state,
      int epoch,
      int firstStep,
      double[] lrs) {
    if (data.trainRows() == 0) {
      return new LocalStepsResult();
    }
    Replica replica = step.replica();
    replica.setWeights(weights);
    List<Tensor> params = replica.net().parameters();
    Optimizer optimizer = Optimizers.create(config, params);
    if (state.hasState()) {
      optimizer.loadStateDict(state.toStateDict());
    }
    StepUpdate update = new StepUpdate(params, optimizer, config, null);
    StepResult sums = new StepResult();
    for (int j = 0; j < lrs.length; j++) {
      replica.zeroGrad();
      StepResult s = step.backwardInto(replica, data, epoch, firstStep + j);
      if (s.count() == 0) {
        continue;
      }
      sums.merge(s);
      if (!Double.isFinite(s.lossSum())) {
        break; // the driver reports the divergence
      }
      update.stepOnGrads(s.weightSum(), lrs[j]);
    }
    if (sums.count() == 0) {
      return new LocalStepsResult();
    }
    return new LocalStepsResult(
        Replica.flatWeights(replica.net()), OptimizerSnapshot.of(optimizer.stateDict()), sums);
  }

  /**
   * Fails if {@code amortisation} asks for local steps and the network has batch norm: local steps
   * train each partition on its own rows, so its batch statistics would be those of the partition's
   * rows and the model would depend on the partitioning.
   *
   * @throws IllegalArgumentException naming the param
   */
  static void checkSupported(NetworkSpec spec, Amortisation amortisation) {
    if (amortisation.localSteps() > 1 && spec.batchStatistics()) {
      throw new IllegalArgumentException(
          "localSteps is "
              + amortisation.localSteps()
              + ", but the network has batch norm: local steps train each partition on its own"
              + " rows, so its batch statistics would depend on the partitioning; set localSteps"
              + " to 1 (steps then normalise with the statistics of the whole minibatch)");
    }
  }
}
