package org.sparkgrad.ml.train;

import org.sparkgrad.optim.LossScaler;

/**
 * The driver side of synchronous data-parallel training, with no Spark in it. It holds the master
 * weights and the optimizer; each step it hands the weights to a {@link GradientSource} (Spark's
 * partitions, or partitions in this JVM), receives the summed per-row gradients, loss, weight and
 * metric, divides by the minibatch's weight sum, clips, and applies the optimizer at the step's
 * learning rate. After each epoch it validates, logs one line, calls the listener, and applies
 * early stopping, keeping the best weights.
 *
 * <p>Optionally it starts from given weights ({@link #withInitialWeights}, a warm start) and saves
 * and resumes its progress through a {@link CheckpointHook} ({@link #withCheckpoints}): after any
 * step or epoch, everything its loop needs to continue is a {@link TrainingCheckpoint}, and a fit
 * resumed from one ends exactly as the uninterrupted fit.
 */
public final class Trainer {

  /** Where the sums of a step come from. */
  public interface GradientSource {
    /**
     * The sums over every partition's share of minibatch {@code step} (from 0) of epoch {@code
     * epoch} (from 0), under {@code weights} and the network's {@code buffers} (flat, {@link
     * Replica#flatBuffers}; empty without batch norm), with the buffers after the step ({@link
     * StepResult#buffers}); {@code stepsPerEpoch} and {@code maxEpochs} are for progress reporting.
     */
    StepResult step(
        float[] weights, float[] buffers, int epoch, int step, int stepsPerEpoch, int maxEpochs);

    /**
     * The loss and metric sums over every validation row under {@code weights} and {@code buffers}.
     */
    StepResult validate(float[] weights, float[] buffers);

    /**
     * Called after the last step of each epoch and its validation (before the listener and the
     * epoch's checkpoint): a source that holds resources between steps frees them here.
     */
    default void endOfSteps() {}
  }

  /** A source that can also run local-steps rounds ({@link Amortisation#localSteps()} > 1). */
  public interface LocalStepsSource extends GradientSource {
    /**
     * Runs {@link LocalSteps} on every partition for minibatches {@code firstStep .. firstStep +
     * lrs.length - 1} of epoch {@code epoch}, from {@code weights} and {@code state}, and returns
     * the sum of the partitions' results; {@code stepsPerEpoch} and {@code maxEpochs} are for
     * progress reporting.
     */
    LocalStepsResult localSteps(
        TrainingConfig config,
        float[] weights,
        OptimizerSnapshot state,
        int epoch,
        int firstStep,
        double[] lrs,
        int stepsPerEpoch,
        int maxEpochs);
  }

  /**
   * The outcome of a fit: the model's weights (flat, in parameter order), its buffers and the
   * summary.
   */
  public static final class Result {
    private final float[] weights;
    private final float[] buffers;
    private final TrainingSummary summary;

    Result(float[] weights, float[] buffers, TrainingSummary summary) {
      this.weights = weights;
      this.buffers = buffers;
      this.summary = summary;
    }

    /** The weights, flat in parameter order (shared, not a copy). */
    public float[] weights() {
      return weights;
    }

    /**
     * The buffers (batch norm's running statistics), flat in state-dict order ({@link
     * Replica#flatBuffers}), of the kept weights; empty when the network has none (shared, not a
     * copy).
     */
    public float[] buffers() {
      return buffers;
    }

    /** The summary of the fit. */
    public TrainingSummary summary() {
      return summary;
    }
  }

  // Read by the FitRun of each fit.
  final TrainingConfig config;
  final NetworkSpec spec;
  final Objective objective;
  private final long trainRows;
  final boolean hasValidation;
  final TrainingListener listener;
  final Amortisation amortisation;
  CheckpointHook checkpoints;
  float[] startWeights;
  LossScaler scaler;
  float[] startBuffers;

  /**
   * A trainer of {@code spec} on {@code trainRows} training rows.
   *
   * @param hasValidation whether there are validation rows to evaluate each epoch
   * @param listener called after each epoch, or null
   */
  public Trainer(
      TrainingConfig config,
      NetworkSpec spec,
      Objective objective,
      long trainRows,
      boolean hasValidation,
      TrainingListener listener) {
    this(config, spec, objective, trainRows, hasValidation, listener, Amortisation.NONE);
  }

  /**
   * A trainer that amortises Spark's per-job cost as {@code amortisation} says (gradient
   * accumulation, local steps).
   */
  public Trainer(
      TrainingConfig config,
      NetworkSpec spec,
      Objective objective,
      long trainRows,
      boolean hasValidation,
      TrainingListener listener,
      Amortisation amortisation) {
    this.amortisation = amortisation;
    this.config = config;
    this.spec = spec;
    this.objective = objective;
    this.trainRows = trainRows;
    this.hasValidation = hasValidation;
    this.listener = listener;
  }

  /**
   * Saves checkpoints through {@code hook} and resumes from the progress it finds (null: none).
   *
   * @return this trainer
   */
  public Trainer withCheckpoints(CheckpointHook hook) {
    this.checkpoints = hook;
    return this;
  }

  /**
   * Applies dynamic loss scaling (precision fp16): each step's summed gradient is scaled by {@code
   * scaler}'s scale, checked, unscaled, and the optimizer step skipped and the scale backed off
   * when a value is infinite or NaN; the scaler's state is checkpointed.
   *
   * @return this trainer
   */
  public Trainer withLossScaler(LossScaler scaler) {
    this.scaler = scaler;
    return this;
  }

  /**
   * Starts from {@code weights} (flat, parameter order; a warm start) instead of {@code spec} built
   * with the seed; null for the seeded initialisation. A resumed checkpoint overrides them.
   *
   * @return this trainer
   */
  public Trainer withInitialWeights(float[] weights) {
    this.startWeights = weights == null ? null : weights.clone();
    return this;
  }

  /**
   * Starts from {@code buffers} (batch norm's running statistics, flat in state-dict order, as
   * {@link Replica#flatBuffers}; a warm start) instead of a new network's; null for a new
   * network's. A resumed checkpoint overrides them.
   *
   * @return this trainer
   */
  public Trainer withInitialBuffers(float[] buffers) {
    this.startBuffers = buffers == null ? null : buffers.clone();
    return this;
  }

  /**
   * The initial weights of the fit: those of {@link #withInitialWeights}, else {@code spec} built
   * with the config's seed.
   */
  public float[] initialWeights() {
    return startWeights != null
        ? startWeights.clone()
        : Replica.flatWeights(spec.module(config.seed()));
  }

  /**
   * Trains.
   *
   * @throws TrainingDivergedException if a loss or gradient becomes NaN or infinite
   * @throws IllegalArgumentException if no step would run ({@code dropLast} with fewer rows than
   *     {@code batchSize})
   */
  public Result fit(GradientSource source) {
    int steps = amortisation.stepsPerEpoch(config, trainRows);
    if (steps == 0) {
      throw new IllegalArgumentException(
          "batchSize "
              + config.batchSize()
              + (amortisation.gradAccumulationSteps() > 1
                  ? " x gradAccumulationSteps " + amortisation.gradAccumulationSteps()
                  : "")
              + " is larger than the "
              + trainRows
              + " training rows and dropLast is true: no step would run; lower batchSize or"
              + " set dropLast to false");
    }
    return new FitRun(this, source, steps).run();
  }
}
