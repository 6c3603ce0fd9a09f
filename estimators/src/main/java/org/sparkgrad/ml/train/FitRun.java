package org.sparkgrad.ml.train;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.nn.Module;
import org.sparkgrad.optim.LossScaler;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.tensor.Tensor;

/**
 * One {@link Trainer#fit}: its mutable state (master network, optimizer, current weights and
 * buffers, history, early stopping, global step) and its loops. It starts fresh or resumes from the
 * trainer's checkpoint, runs each epoch's steps (synchronous, or local-steps rounds), ends each
 * epoch (validation, listener, early stopping, checkpoint), and returns the kept weights.
 */
final class FitRun {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  /** Where a fit stands: the epoch and step to run next (from 0), and optimizer steps taken. */
  record Position(int epoch, int step, long globalStep) {}

  private final Trainer trainer;
  private final TrainingConfig config;
  private final Trainer.GradientSource source;
  private final int steps;
  private final Module master;
  private final List<Tensor> params;
  private final Optimizer optimizer;
  private final LrSchedule schedule;
  private final StepUpdate update;
  private final List<EpochStats> history = new ArrayList<>();
  private final boolean early;
  private float[] weights;
  private float[] buffers;
  // Two weight buffers alternate: the array a step was given stays intact through the next step (a
  // task of the last step may still read it), and no step allocates one.
  private float[] spare;
  private BestEpoch best = new BestEpoch();
  private boolean stopped;
  private long global;
  private double lr;
  // The running epoch: its index, first step, sums so far, start time and seconds before a resume.
  private int epoch;
  private StepResult sums;
  private long start;
  private double before;

  /** A fit by {@code trainer} of {@code steps} steps per epoch on {@code source}. */
  FitRun(Trainer trainer, Trainer.GradientSource source, int steps) {
    this.trainer = trainer;
    this.config = trainer.config;
    this.source = source;
    this.steps = steps;
    this.master = trainer.spec.module(config.seed());
    if (trainer.startWeights != null) {
      TrainingCheckpoint.loadFlat(master, trainer.startWeights);
    }
    LocalSteps.checkSupported(trainer.spec, trainer.amortisation);
    this.params = master.parameters();
    this.optimizer = Optimizers.create(config, params);
    this.update = new StepUpdate(params, optimizer, config, trainer.scaler);
    this.schedule = new LrSchedule(config, (long) steps * config.maxEpochs());
    this.weights = Replica.flatWeights(master);
    this.buffers = startBuffers(Replica.flatBuffers(master));
    this.early = config.earlyStoppingPatience() > 0 && trainer.hasValidation;
    this.lr = config.learningRate();
  }

  private float[] startBuffers(float[] fresh) {
    float[] given = trainer.startBuffers;
    if (given == null) {
      return fresh;
    }
    if (given.length != fresh.length) {
      throw new IllegalArgumentException(
          "the initial buffers have "
              + given.length
              + " values, but the network's buffers have "
              + fresh.length);
    }
    return given.clone();
  }

  /** Runs the fit to its end and returns its outcome. */
  Trainer.Result run() {
    TrainingCheckpoint resumed = resume();
    for (epoch = resumed == null ? 0 : resumed.epoch();
        epoch < config.maxEpochs() && !stopped;
        epoch++) {
      int first = startEpoch(resumed != null && epoch == resumed.epoch() ? resumed : null);
      if (trainer.amortisation.localSteps() > 1) {
        localStepsLoop(first);
      } else {
        synchronousLoop(first);
      }
      if (endEpoch()) {
        break;
      }
    }
    return result();
  }

  /** Restores the checkpoint the hook finds, if any, and returns it (null: a fresh start). */
  private TrainingCheckpoint resume() {
    CheckpointHook hook = trainer.checkpoints;
    TrainingCheckpoint resumed = hook == null ? null : hook.resume(steps);
    if (resumed == null) {
      return null;
    }
    resumed.restore(master, optimizer);
    weights = Replica.flatWeights(master);
    buffers = Replica.flatBuffers(master);
    history.addAll(resumed.history());
    best = BestEpoch.resumed(resumed, weights, buffers);
    stopped =
        resumed.stopped()
            || (early
                && best.exhausted(config.earlyStoppingPatience())
                && resumed.epoch() < config.maxEpochs());
    global = resumed.globalStep();
    if (trainer.scaler != null && resumed.hasLossScale()) {
      trainer.scaler.load(resumed.lossScale(), resumed.lossScaleTracker());
    }
    return resumed;
  }

  /**
   * Starts the epoch, mid-way from {@code resumed} (null: at its beginning), and returns the step
   * to run first.
   */
  private int startEpoch(TrainingCheckpoint resumed) {
    start = System.nanoTime();
    sums = resumed != null ? new StepResult().merge(resumed.partial()) : new StepResult();
    before = resumed != null ? resumed.partialSeconds() : 0;
    return resumed != null ? resumed.step() : 0;
  }

  /** The epoch's local-steps rounds from step {@code first}, each of up to localSteps steps. */
  private void localStepsLoop(int first) {
    for (int s = first; s < steps; ) {
      int k = Math.min(trainer.amortisation.localSteps(), steps - s);
      double[] lrs = new double[k];
      for (int j = 0; j < k; j++) {
        lrs[j] = schedule.at(global + j, epoch);
      }
      OptimizerSnapshot state = OptimizerSnapshot.of(optimizer.stateDict());
      LocalStepsResult r =
          localSource(source)
              .localSteps(config, weights, state, epoch, s, lrs, steps, config.maxEpochs());
      checkFinite(r.sums(), true, s, lrs[k - 1]);
      float[] averaged = r.averageWeights();
      if (averaged != null) {
        Replica.loadWeights(params, averaged);
        optimizer.loadStateDict(r.averageState(state).toStateDict());
        weights = averaged;
      }
      addSums(r.sums());
      lr = lrs[k - 1];
      s += k;
      global += k;
      if (trainer.checkpoints != null && s < steps && dueWithin(global - k, global)) {
        saveCheckpoint(new Position(epoch, s, global), sums, secondsSoFar());
      }
    }
  }

  /** The epoch's synchronous steps from step {@code first}: one optimizer step each. */
  private void synchronousLoop(int first) {
    for (int s = first; s < steps; s++, global++) {
      lr = schedule.at(global, epoch);
      update.setLr(lr);
      StepResult r = source.step(weights, buffers, epoch, s, steps, config.maxEpochs());
      checkFinite(r, false, s, lr);
      if (r.buffers() != null) {
        buffers = r.buffers();
      }
      int step = s;
      if (r.hasGrad()
          && r.weightSum() > 0
          && update.stepOnSums(r, epoch, s, () -> checkFinite(r, true, step, lr))) {
        float[] next = Replica.flatWeightsInto(master, spare);
        spare = weights;
        weights = next;
      }
      addSums(r);
      if (trainer.checkpoints != null
          && s + 1 < steps
          && trainer.checkpoints.dueAfterStep(global + 1)) {
        saveCheckpoint(new Position(epoch, s + 1, global + 1), sums, secondsSoFar());
      }
    }
  }

  /** Adds {@code r}'s loss, weight, metric and row sums (not its gradient) to the epoch's. */
  private void addSums(StepResult r) {
    sums.merge(new StepResult(r.lossSum(), r.weightSum(), r.metricSum(), r.count()));
  }

  private double secondsSoFar() {
    return before + (System.nanoTime() - start) / 1e9;
  }

  /**
   * Ends the epoch: validates, logs and reports its stats, applies early stopping and saves the
   * epoch's checkpoint; returns whether early stopping's patience is exhausted.
   */
  private boolean endEpoch() {
    StepResult val = trainer.hasValidation ? source.validate(weights, buffers) : null;
    source.endOfSteps();
    EpochStats stats = epochStats(val);
    history.add(stats);
    LOG.info("sparkgrad fit: {}", stats);
    if (trainer.listener != null) {
      trainer.listener.onEpochEnd(stats);
    }
    if (early) {
      boolean improved = best.record(epoch + 1, stats.validationLoss(), weights, buffers);
      if (!improved && best.exhausted(config.earlyStoppingPatience())) {
        stopped = epoch + 1 < config.maxEpochs();
      }
    }
    boolean last = stopped || epoch + 1 == config.maxEpochs();
    if (trainer.checkpoints != null && trainer.checkpoints.dueAfterEpoch(epoch + 1, global, last)) {
      saveCheckpoint(new Position(epoch + 1, 0, global), new StepResult(), 0);
    }
    return early && best.exhausted(config.earlyStoppingPatience());
  }

  private EpochStats epochStats(StepResult val) {
    return new EpochStats(
        epoch + 1,
        config.maxEpochs(),
        sums.lossSum() / sums.weightSum(),
        metric(sums),
        val == null ? Double.NaN : val.lossSum() / val.weightSum(),
        val == null ? Double.NaN : metric(val),
        trainer.objective.metricName(),
        lr,
        steps,
        sums.count(),
        secondsSoFar());
  }

  /** The fit's outcome: the best epoch's weights under early stopping, else the last ones. */
  private Trainer.Result result() {
    int keptEpoch = history.size();
    float[] keptWeights = weights;
    float[] keptBuffers = buffers;
    if (early && best.epoch() > 0) {
      keptWeights = best.weights();
      keptBuffers = best.buffers();
      keptEpoch = best.epoch();
    }
    if (stopped) {
      LOG.info(
          "sparkgrad fit: early stopping after epoch {}; keeping the weights of epoch {}",
          history.size(),
          keptEpoch);
    }
    return new Trainer.Result(
        keptWeights, keptBuffers, new TrainingSummary(history, stopped, keptEpoch));
  }

  /**
   * Saves a checkpoint at {@code at} with the epoch's sums so far {@code partial} and its seconds
   * so far, with the loss scaler's state when the fit scales its loss.
   */
  private void saveCheckpoint(Position at, StepResult partial, double seconds) {
    TrainingCheckpoint c =
        best.checkpoint(weights, buffers, optimizer, at, partial, seconds, history, early, stopped);
    LossScaler scaler = trainer.scaler;
    trainer.checkpoints.save(
        scaler == null ? c : c.withLossScale(scaler.scale(), scaler.growthTracker()));
  }

  /**
   * Whether a step checkpoint falls due after any of the global steps {@code (from, to]}: a
   * local-steps round can only be checkpointed at its end.
   */
  private boolean dueWithin(long from, long to) {
    for (long g = from + 1; g <= to; g++) {
      if (trainer.checkpoints.dueAfterStep(g)) {
        return true;
      }
    }
    return false;
  }

  private static Trainer.LocalStepsSource localSource(Trainer.GradientSource source) {
    if (source instanceof Trainer.LocalStepsSource l) {
      return l;
    }
    throw new IllegalArgumentException(
        "localSteps > 1 needs a source that runs local-steps rounds; "
            + source.getClass().getName()
            + " does not: set localSteps to 1");
  }

  private double metric(StepResult r) {
    double mean = r.metricSum() / r.weightSum();
    return trainer.objective.classification() ? mean : Math.sqrt(mean);
  }

  /** Throws if the loss, or with {@code grads} a gradient value, is NaN or infinite. */
  private void checkFinite(StepResult r, boolean grads, int step, double lr) {
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
}
