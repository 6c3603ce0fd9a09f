package org.sparkgrad.ml.train;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.utils.ParameterVectors;
import org.sparkgrad.optim.ClipGrad;
import org.sparkgrad.optim.LossScaler;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.optim.ParamGroup;
import org.sparkgrad.tensor.Tensor;

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
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

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

  private final TrainingConfig config;
  private final NetworkSpec spec;
  private final Objective objective;
  private final long trainRows;
  private final boolean hasValidation;
  private final TrainingListener listener;
  private final Amortisation amortisation;
  private CheckpointHook checkpoints;
  private float[] startWeights;
  private LossScaler scaler;
  private float[] startBuffers;
  // The step's gradient as one flat vector, reused by every step before it goes into the master's.
  private float[] gradBuffer;

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
   * when a value is infinite or NaN ({@link #scaledGrads}); the scaler's state is checkpointed.
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
    Module master = spec.module(config.seed());
    if (startWeights != null) {
      TrainingCheckpoint.loadFlat(master, startWeights);
    }
    LocalSteps.checkSupported(spec, amortisation);
    List<Tensor> params = master.parameters();
    Optimizer optimizer = Optimizers.create(config, params);
    LrSchedule schedule = new LrSchedule(config, (long) steps * config.maxEpochs());
    float[] weights = Replica.flatWeights(master);
    float[] buffers = Replica.flatBuffers(master);
    if (startBuffers != null) {
      if (startBuffers.length != buffers.length) {
        throw new IllegalArgumentException(
            "the initial buffers have "
                + startBuffers.length
                + " values, but the network's buffers have "
                + buffers.length);
      }
      buffers = startBuffers.clone();
    }
    float[] spare = null;
    List<EpochStats> history = new ArrayList<>();
    boolean early = config.earlyStoppingPatience() > 0 && hasValidation;
    Best best = new Best();
    boolean stopped = false;
    long global = 0;
    double lr = config.learningRate();
    TrainingCheckpoint resumed = checkpoints == null ? null : checkpoints.resume(steps);
    if (resumed != null) {
      resumed.restore(master, optimizer);
      weights = Replica.flatWeights(master);
      buffers = Replica.flatBuffers(master);
      history.addAll(resumed.history());
      best.weights = resumed.bestWeights() != null ? resumed.bestWeights() : weights.clone();
      best.buffers = resumed.bestBuffers() != null ? resumed.bestBuffers() : buffers;
      best.loss = resumed.bestLoss();
      best.epoch = resumed.bestEpoch();
      best.sinceBest = resumed.sinceBest();
      stopped =
          resumed.stopped()
              || (early
                  && best.sinceBest >= config.earlyStoppingPatience()
                  && resumed.epoch() < config.maxEpochs());
      global = resumed.globalStep();
      if (scaler != null && resumed.hasLossScale()) {
        scaler.load(resumed.lossScale(), resumed.lossScaleTracker());
      }
    }
    for (int epoch = resumed == null ? 0 : resumed.epoch();
        epoch < config.maxEpochs() && !stopped;
        epoch++) {
      long start = System.nanoTime();
      boolean mid = resumed != null && epoch == resumed.epoch();
      StepResult sums = mid ? new StepResult().merge(resumed.partial()) : new StepResult();
      double before = mid ? resumed.partialSeconds() : 0;
      int first = mid ? resumed.step() : 0;
      for (int s = first; s < steps && amortisation.localSteps() > 1; ) {
        int k = Math.min(amortisation.localSteps(), steps - s);
        double[] lrs = new double[k];
        for (int j = 0; j < k; j++) {
          lrs[j] = schedule.at(global + j, epoch);
        }
        OptimizerSnapshot state = OptimizerSnapshot.of(optimizer.stateDict());
        LocalStepsResult r =
            localSource(source)
                .localSteps(config, weights, state, epoch, s, lrs, steps, config.maxEpochs());
        checkFinite(r.sums(), true, epoch, s, steps, lrs[k - 1]);
        float[] averaged = r.averageWeights();
        if (averaged != null) {
          Replica.loadWeights(params, averaged);
          optimizer.loadStateDict(r.averageState(state).toStateDict());
          weights = averaged;
        }
        StepResult rs = r.sums();
        sums.merge(new StepResult(null, rs.lossSum(), rs.weightSum(), rs.metricSum(), rs.count()));
        lr = lrs[k - 1];
        s += k;
        global += k;
        if (checkpoints != null && s < steps && dueWithin(global - k, global)) {
          checkpoints.save(
              scaled(
                  best.checkpoint(
                      weights,
                      buffers,
                      optimizer,
                      new Position(epoch, s, global),
                      sums,
                      before + (System.nanoTime() - start) / 1e9,
                      history,
                      early,
                      false)));
        }
      }
      for (int s = first; s < steps && amortisation.localSteps() == 1; s++, global++) {
        lr = schedule.at(global, epoch);
        for (ParamGroup g : optimizer.paramGroups()) {
          g.setLr(lr);
        }
        StepResult r = source.step(weights, buffers, epoch, s, steps, config.maxEpochs());
        checkFinite(r, false, epoch, s, steps, lr);
        if (r.buffers() != null) {
          buffers = r.buffers();
        }
        if (r.hasGrad() && r.weightSum() > 0 && scaledGrads(params, r, epoch, s, steps, lr)) {
          if (config.gradClipNorm() > 0) {
            ClipGrad.clipGradNorm(params, config.gradClipNorm());
          }
          optimizer.step();
          // Two weight buffers alternate: the array a step was given stays intact through the next
          // step (a task of the last step may still read it), and no step allocates one.
          float[] next = Replica.flatWeightsInto(master, spare);
          spare = weights;
          weights = next;
        }
        sums.merge(new StepResult(null, r.lossSum(), r.weightSum(), r.metricSum(), r.count()));
        if (checkpoints != null && s + 1 < steps && checkpoints.dueAfterStep(global + 1)) {
          checkpoints.save(
              scaled(
                  best.checkpoint(
                      weights,
                      buffers,
                      optimizer,
                      new Position(epoch, s + 1, global + 1),
                      sums,
                      before + (System.nanoTime() - start) / 1e9,
                      history,
                      early,
                      false)));
        }
      }
      StepResult val = hasValidation ? source.validate(weights, buffers) : null;
      source.endOfSteps();
      EpochStats stats =
          new EpochStats(
              epoch + 1,
              config.maxEpochs(),
              sums.lossSum() / sums.weightSum(),
              metric(sums),
              val == null ? Double.NaN : val.lossSum() / val.weightSum(),
              val == null ? Double.NaN : metric(val),
              objective.metricName(),
              lr,
              steps,
              sums.count(),
              before + (System.nanoTime() - start) / 1e9);
      history.add(stats);
      LOG.info("sparkgrad fit: {}", stats);
      if (listener != null) {
        listener.onEpochEnd(stats);
      }
      if (early) {
        if (stats.validationLoss() < best.loss) {
          best.loss = stats.validationLoss();
          best.weights = weights.clone(); // the step buffers are reused
          best.buffers = buffers;
          best.epoch = epoch + 1;
          best.sinceBest = 0;
        } else if (++best.sinceBest >= config.earlyStoppingPatience()) {
          stopped = epoch + 1 < config.maxEpochs();
        }
      }
      boolean last = stopped || epoch + 1 == config.maxEpochs();
      if (checkpoints != null && checkpoints.dueAfterEpoch(epoch + 1, global, last)) {
        checkpoints.save(
            scaled(
                best.checkpoint(
                    weights,
                    buffers,
                    optimizer,
                    new Position(epoch + 1, 0, global),
                    new StepResult(),
                    0,
                    history,
                    early,
                    stopped)));
      }
      if (early && best.sinceBest >= config.earlyStoppingPatience()) {
        break;
      }
    }
    int keptEpoch = history.size();
    if (early && best.epoch > 0) {
      weights = best.weights;
      buffers = best.buffers;
      keptEpoch = best.epoch;
    }
    if (stopped) {
      LOG.info(
          "sparkgrad fit: early stopping after epoch {}; keeping the weights of epoch {}",
          history.size(),
          keptEpoch);
    }
    return new Result(weights, buffers, new TrainingSummary(history, stopped, keptEpoch));
  }

  /**
   * Sets the parameters' gradients from {@code r} (the summed gradient over the minibatch's weight
   * sum) and says whether the optimizer should step. Without loss scaling a non-finite gradient
   * ends the fit ({@link TrainingDivergedException}). With it (fp16), the gradient is scaled by the
   * scaler's scale as it is written (rounded once to float32, so a value past float32's range
   * becomes infinite), unscaled by the scale's float32 reciprocal and checked, as GradScaler's
   * {@code unscale_}; an infinite or NaN value skips the step and halves the scale, else the scaler
   * counts towards growth. With a power-of-two scale a finite gradient is the unscaled one bit for
   * bit (docs/CUDA.md says why the scale is applied here rather than on the executors).
   */
  private boolean scaledGrads(
      List<Tensor> params, StepResult r, int epoch, int step, int steps, double lr) {
    if (gradBuffer == null) {
      gradBuffer = new float[ParameterVectors.numel(params)];
    }
    if (scaler == null) {
      if (!setGrads(params, r, r.weightSum(), gradBuffer)) {
        checkFinite(r, true, epoch, step, steps, lr);
      }
      return true;
    }
    boolean finite = scaledInto(gradBuffer, r, r.weightSum() / scaler.scale());
    finite &= scaler.unscale(gradBuffer);
    ParameterVectors.floatsToGradients(gradBuffer, params);
    float scale = scaler.scale();
    if (!scaler.update(!finite)) {
      LOG.info(
          "sparkgrad fit: loss scale {} overflowed at epoch {}, step {}: step skipped, scale now {}",
          scale,
          epoch + 1,
          step + 1,
          scaler.scale());
      return false;
    }
    return true;
  }

  /** {@code c} with the loss scaler's state, when the fit scales its loss. */
  private TrainingCheckpoint scaled(TrainingCheckpoint c) {
    return scaler == null ? c : c.withLossScale(scaler.scale(), scaler.growthTracker());
  }

  /**
   * Whether a step checkpoint falls due after any of the global steps {@code (from, to]}: a
   * local-steps round can only be checkpointed at its end.
   */
  private boolean dueWithin(long from, long to) {
    for (long g = from + 1; g <= to; g++) {
      if (checkpoints.dueAfterStep(g)) {
        return true;
      }
    }
    return false;
  }

  private static LocalStepsSource localSource(GradientSource source) {
    if (source instanceof LocalStepsSource l) {
      return l;
    }
    throw new IllegalArgumentException(
        "localSteps > 1 needs a source that runs local-steps rounds; "
            + source.getClass().getName()
            + " does not: set localSteps to 1");
  }

  private double metric(StepResult r) {
    double mean = r.metricSum() / r.weightSum();
    return objective.classification() ? mean : Math.sqrt(mean);
  }

  /** Throws if the loss, or with {@code grads} a gradient value, is NaN or infinite. */
  private void checkFinite(StepResult r, boolean grads, int epoch, int step, int steps, double lr) {
    String what = null;
    if (!Double.isFinite(r.lossSum())) {
      what = "the loss became " + r.lossSum();
    } else if (grads && r.grad() != null) {
      for (double g : r.grad()) {
        if (!Double.isFinite(g)) {
          what = "a gradient became " + g;
          break;
        }
      }
    }
    if (what != null) {
      throw new TrainingDivergedException(
          "training diverged: "
              + what
              + " at epoch "
              + (epoch + 1)
              + "/"
              + config.maxEpochs()
              + ", step "
              + (step + 1)
              + "/"
              + steps
              + "; try a lower learningRate (it was "
              + lr
              + ")"
              + (config.gradClipNorm() == 0 ? " or set gradClipNorm" : ""),
          epoch + 1,
          step + 1);
    }
  }

  /** Where a fit stands: the epoch and step to run next (from 0), and optimizer steps taken. */
  private record Position(int epoch, int step, long globalStep) {}

  /** Early stopping's state: the best validation loss so far, its epoch and weights. */
  private static final class Best {
    float[] weights;
    float[] buffers;
    double loss = Double.POSITIVE_INFINITY;
    int epoch;
    int sinceBest;

    /**
     * Everything the fit needs to go on from {@code at}: the current weights, buffers and optimizer
     * state, the epoch's sums so far (copied), its seconds so far, the history, and this state (the
     * best weights only when early stopping keeps weights other than the current ones).
     */
    TrainingCheckpoint checkpoint(
        float[] current,
        float[] currentBuffers,
        Optimizer optimizer,
        Position at,
        StepResult partial,
        double seconds,
        List<EpochStats> history,
        boolean early,
        boolean stopped) {
      boolean keepBest = early && epoch > 0 && !(at.step() == 0 && at.epoch() == epoch);
      return new TrainingCheckpoint(
          current,
          currentBuffers,
          optimizer.stateDict(),
          at.epoch(),
          at.step(),
          at.globalStep(),
          new StepResult().merge(partial),
          seconds,
          history,
          keepBest ? weights : null,
          keepBest ? buffers : null,
          loss,
          epoch,
          sinceBest,
          stopped);
    }
  }

  /**
   * Sets each parameter's gradient to its slice of {@code r}'s gradient sum {@code / weightSum},
   * computed in double and rounded once to float, through {@code buffer} (one flat vector of every
   * weight, reused by every step) into the gradient buffers the parameters already have, so that no
   * step allocates gradients; returns whether every value is finite.
   */
  static boolean setGrads(List<Tensor> params, StepResult r, double weightSum, float[] buffer) {
    boolean finite = scaledInto(buffer, r, weightSum);
    ParameterVectors.floatsToGradients(buffer, params);
    return finite;
  }

  /**
   * Writes {@code r}'s gradient sum {@code / weightSum} into the flat {@code buffer}, summing the
   * step channel's partitions in the same pass ({@link StepResult#writeScaledInto}). It multiplies
   * by {@code 1 / weightSum} (one division per step, not one per weight: a division per element
   * cost the driver about as much as the optimizer), and returns whether every value is finite.
   */
  private static boolean scaledInto(float[] buffer, StepResult r, double weightSum) {
    return r.writeScaledInto(new float[][] {buffer}, 1.0 / weightSum);
  }
}
