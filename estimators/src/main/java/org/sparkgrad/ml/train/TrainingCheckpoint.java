package org.sparkgrad.ml.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.nn.Module;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * Everything the {@link Trainer}'s loop needs to continue a fit exactly where it was: the weights,
 * the buffers (batch norm's running statistics) and the optimizer state, the position of the global
 * sampler (the epoch and the step within it; the order of every epoch and every dropout mask are
 * functions of the seed, the epoch, the step and the row ids, so no generator state is needed
 * beyond the seed), the sums of the epoch's steps so far, the epochs done, and the early-stopping
 * state.
 */
public final class TrainingCheckpoint {
  private final float[] weights;
  private final float[] buffers;
  private final Map<String, Tensor> optimizerState;
  private final int epoch;
  private final int step;
  private final long globalStep;
  private final StepResult partial;
  private final double partialSeconds;
  private final List<EpochStats> history;
  private final float[] bestWeights;
  private final float[] bestBuffers;
  private final double bestLoss;
  private final int bestEpoch;
  private final int sinceBest;
  private final boolean stopped;
  // fp16's dynamic loss scale and its growth tracker (LossScaler); NaN when the fit has none.
  private float lossScale = Float.NaN;
  private int lossScaleTracker;

  /**
   * A checkpoint of the given state; the history and the optimizer map are copied.
   *
   * @param buffers the network's buffers, flat in state-dict order ({@code Replica.flatBuffers}),
   *     or null to leave the network's as they are on restore
   * @param bestBuffers the buffers that go with {@code bestWeights}, or null
   */
  @SuppressWarnings("TooManyParameters") // one per piece of the loop's state, named at the call
  public TrainingCheckpoint(
      float[] weights,
      float[] buffers,
      Map<String, Tensor> optimizerState,
      int epoch,
      int step,
      long globalStep,
      StepResult partial,
      double partialSeconds,
      List<EpochStats> history,
      float[] bestWeights,
      float[] bestBuffers,
      double bestLoss,
      int bestEpoch,
      int sinceBest,
      boolean stopped) {
    this.weights = weights;
    this.buffers = buffers;
    this.bestBuffers = bestBuffers;
    this.optimizerState = Collections.unmodifiableMap(new LinkedHashMap<>(optimizerState));
    this.epoch = epoch;
    this.step = step;
    this.globalStep = globalStep;
    this.partial = partial;
    this.partialSeconds = partialSeconds;
    this.history = List.copyOf(history);
    this.bestWeights = bestWeights;
    this.bestLoss = bestLoss;
    this.bestEpoch = bestEpoch;
    this.sinceBest = sinceBest;
    this.stopped = stopped;
  }

  /** The master weights, flat in parameter order (shared, not a copy). */
  public float[] weights() {
    return weights;
  }

  /**
   * The buffers (batch norm's running statistics), flat in state-dict order, or null if the
   * checkpoint has none (shared, not a copy).
   */
  public float[] buffers() {
    return buffers;
  }

  /** The buffers that go with {@link #bestWeights}, or null (shared, not a copy). */
  public float[] bestBuffers() {
    return bestBuffers;
  }

  /** The optimizer's state dict. */
  public Map<String, Tensor> optimizerState() {
    return optimizerState;
  }

  /** The epoch (from 0) the next step belongs to. */
  public int epoch() {
    return epoch;
  }

  /** The next step (from 0) within {@link #epoch}; 0 at an epoch boundary. */
  public int step() {
    return step;
  }

  /** The optimizer steps done since the start of the fit. */
  public long globalStep() {
    return globalStep;
  }

  /** The sums of the steps of {@link #epoch} done so far (shared, not a copy). */
  public StepResult partial() {
    return partial;
  }

  /** The seconds already spent in {@link #epoch}. */
  public double partialSeconds() {
    return partialSeconds;
  }

  /** The statistics of the epochs done. */
  public List<EpochStats> history() {
    return history;
  }

  /** The best weights so far with early stopping, or null (shared, not a copy). */
  public float[] bestWeights() {
    return bestWeights;
  }

  /** The best validation loss so far. */
  public double bestLoss() {
    return bestLoss;
  }

  /** The epoch (from 1) of the best validation loss; 0 if none. */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** The epochs since the best one. */
  public int sinceBest() {
    return sinceBest;
  }

  /** Whether early stopping has ended the fit. */
  public boolean stopped() {
    return stopped;
  }

  /**
   * This checkpoint with the state of fp16's dynamic loss scaling ({@link
   * org.sparkgrad.optim.LossScaler#scale()} and {@link
   * org.sparkgrad.optim.LossScaler#growthTracker()}).
   *
   * @return a copy; this checkpoint is unchanged
   */
  public TrainingCheckpoint withLossScale(float scale, int growthTracker) {
    TrainingCheckpoint c =
        new TrainingCheckpoint(
            weights,
            buffers,
            optimizerState,
            epoch,
            step,
            globalStep,
            partial,
            partialSeconds,
            history,
            bestWeights,
            bestBuffers,
            bestLoss,
            bestEpoch,
            sinceBest,
            stopped);
    c.lossScale = scale;
    c.lossScaleTracker = growthTracker;
    return c;
  }

  /** Whether the checkpoint holds a loss scale ({@link #withLossScale}). */
  public boolean hasLossScale() {
    return !Float.isNaN(lossScale);
  }

  /** The loss scale of fp16 training; NaN when the fit had none. */
  public float lossScale() {
    return lossScale;
  }

  /** The loss scaler's successful steps since its scale last changed. */
  public int lossScaleTracker() {
    return lossScaleTracker;
  }

  /**
   * Loads the weights and any buffers into {@code net} and the optimizer state into {@code
   * optimizer}.
   */
  public void restore(Module net, Optimizer optimizer) {
    loadFlat(net, weights);
    if (buffers != null) {
      loadBuffers(net, buffers);
    }
    optimizer.loadStateDict(optimizerState);
  }

  /**
   * Copies flat {@code buffers} (state-dict order, as {@code Replica.flatBuffers}) into {@code
   * net}'s buffers; an integer buffer ({@code num_batches_tracked}) takes the float's count.
   *
   * @throws IllegalArgumentException if the number of values does not fit the network's buffers
   */
  public static void loadBuffers(Module net, float[] buffers) {
    List<Tensor> bs = net.buffers();
    int n = 0;
    for (Tensor b : bs) {
      n += b.numel();
    }
    if (n != buffers.length) {
      throw new IllegalArgumentException(
          "the network has " + n + " buffer values, got " + buffers.length);
    }
    int off = 0;
    try (NoGrad ng = NoGrad.enter()) {
      for (Tensor b : bs) {
        float[] part = new float[b.numel()];
        System.arraycopy(buffers, off, part, 0, part.length);
        b.copyFrom(Tensor.of(part).reshape(b.shape()).to(b.dtype()).to(b.device()));
        off += part.length;
      }
    }
  }

  /**
   * Copies flat {@code weights} (parameter order) into {@code net}'s parameters.
   *
   * @throws IllegalArgumentException if the number of weights does not fit the network
   */
  public static void loadFlat(Module net, float[] weights) {
    List<Tensor> params = net.parameters();
    int n = 0;
    for (Tensor p : params) {
      n += p.numel();
    }
    if (n != weights.length) {
      throw new IllegalArgumentException(
          "the network has " + n + " weights, got " + weights.length);
    }
    int off = 0;
    try (NoGrad ng = NoGrad.enter()) {
      for (Tensor p : params) {
        float[] part = new float[p.numel()];
        System.arraycopy(weights, off, part, 0, part.length);
        p.copyFrom(Tensor.of(part, p.shape()));
        off += part.length;
      }
    }
  }
}
