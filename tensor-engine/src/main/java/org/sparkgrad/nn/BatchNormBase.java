package org.sparkgrad.nn;

import java.util.Arrays;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share, as PyTorch's {@code _BatchNorm}: the
 * arguments and their checks, the parameters and buffers under PyTorch's names, and the
 * normalisation of a {@code [N, C]} or {@code [N, C, L]} view with the running-statistics update. A
 * subclass checks its own input rank and views its input as one of those two shapes.
 */
abstract class BatchNormBase extends Module {
  private final String name;
  private final int numFeatures;
  private final double eps;
  private final Double momentum;
  private final boolean affine;
  private final boolean trackRunningStats;

  BatchNormBase(
      String name,
      int numFeatures,
      double eps,
      Double momentum,
      boolean affine,
      boolean trackRunningStats) {
    Init.checkPositive(name, "num_features", numFeatures);
    if (!(eps >= 0)) {
      throw new IllegalArgumentException(name + ": eps must be >= 0, got " + eps);
    }
    if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
      throw new IllegalArgumentException(
          name + ": momentum must be in [0, 1] or null, got " + momentum);
    }
    this.name = name;
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    registerParameter("weight", affine ? Tensor.ones(numFeatures).requiresGrad(true) : null);
    registerParameter("bias", affine ? Tensor.zeros(numFeatures).requiresGrad(true) : null);
    registerBuffer("running_mean", trackRunningStats ? Tensor.zeros(numFeatures) : null);
    registerBuffer("running_var", trackRunningStats ? Tensor.ones(numFeatures) : null);
    registerBuffer("num_batches_tracked", trackRunningStats ? Tensor.zeros(DType.INT64) : null);
  }

  /** The number of channels {@code C}. */
  public int numFeatures() {
    return numFeatures;
  }

  /** Fails unless {@code input} has one of {@code ranks} and {@code C} channels in dimension 1. */
  final void checkInput(Tensor input, String expected, int... ranks) {
    if (Arrays.stream(ranks).noneMatch(r -> r == input.dim())) {
      throw new IllegalArgumentException(
          name
              + ": expected "
              + expected
              + " input (got "
              + input.dim()
              + "D input of shape "
              + Arrays.toString(input.shape())
              + ")");
    }
    if (input.size(1) != numFeatures) {
      throw new IllegalArgumentException(
          name
              + "("
              + numFeatures
              + "): expected "
              + numFeatures
              + " channels in dimension 1, got input of shape "
              + Arrays.toString(input.shape()));
    }
  }

  /**
   * Normalises a {@code [N, C]} or {@code [N, C, L]} view with the batch's statistics (training, or
   * no running statistics) or the running ones, updating the running statistics in training.
   */
  final Tensor normalise(Tensor view) {
    boolean updating = isTraining() && trackRunningStats;
    Tensor tracked = buffer("num_batches_tracked");
    double count = updating ? tracked.item() + 1 : 0;
    double factor = momentum != null ? momentum : (updating ? 1 / count : 0);
    Tensor out =
        F.batchNorm(
            view,
            buffer("running_mean"),
            buffer("running_var"),
            param("weight"),
            param("bias"),
            isTraining() || !trackRunningStats,
            factor,
            eps);
    if (updating) {
      tracked.fillInPlace(count);
    }
    return out;
  }

  @Override
  protected String extraRepr() {
    return numFeatures
        + ", eps="
        + PyRepr.floatRepr(eps)
        + ", momentum="
        + (momentum == null ? "None" : PyRepr.floatRepr(momentum))
        + ", affine="
        + PyRepr.bool(affine)
        + ", track_running_stats="
        + PyRepr.bool(trackRunningStats);
  }
}
