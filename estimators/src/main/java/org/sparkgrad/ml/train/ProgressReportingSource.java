package org.sparkgrad.ml.train;

import org.sparkgrad.spark.ui.FitProgressReporter;

/**
 * A {@link Trainer.LocalStepsSource} that tells a {@link FitProgressReporter} of each step (or
 * local-steps round) it passes on, whatever carries the steps: the step channel's single job per
 * epoch, whose job description cannot follow the steps, as well as one Spark job per step. The
 * reporter feeds the Spark UI's Sparkgrad tab.
 */
public final class ProgressReportingSource implements Trainer.LocalStepsSource {
  private final Trainer.GradientSource source;
  private final FitProgressReporter reporter;

  /** Passes steps on to {@code source} and reports them to {@code reporter}. */
  public ProgressReportingSource(Trainer.GradientSource source, FitProgressReporter reporter) {
    this.source = source;
    this.reporter = reporter;
  }

  @Override
  public StepResult step(
      float[] weights, float[] buffers, int epoch, int step, int stepsPerEpoch, int maxEpochs) {
    StepResult r = source.step(weights, buffers, epoch, step, stepsPerEpoch, maxEpochs);
    reporter.stepsDone(
        epoch + 1, maxEpochs, step + 1, stepsPerEpoch, r.lossSum(), r.weightSum(), r.count());
    return r;
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
    if (!(source instanceof Trainer.LocalStepsSource local)) {
      throw new IllegalArgumentException(
          "localSteps > 1 needs a source that runs local-steps rounds; "
              + source.getClass().getName()
              + " does not: set localSteps to 1");
    }
    LocalStepsResult r =
        local.localSteps(config, weights, state, epoch, firstStep, lrs, stepsPerEpoch, maxEpochs);
    StepResult sums = r.sums();
    reporter.stepsDone(
        epoch + 1,
        maxEpochs,
        firstStep + lrs.length,
        stepsPerEpoch,
        sums.lossSum(),
        sums.weightSum(),
        sums.count());
    return r;
  }

  @Override
  public StepResult validate(float[] weights, float[] buffers) {
    return source.validate(weights, buffers);
  }

  @Override
  public void endOfSteps() {
    source.endOfSteps();
  }
}
