package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Early stopping with a scripted gradient source: the trainer stops after {@code patience} epochs
 * without a better validation loss and returns the weights of the best epoch.
 */
class EarlyStoppingTest {
  private static final NetworkSpec SPEC = NetworkSpec.simple(2, new int[0], "relu", 0, 1);

  /** Every step pushes every weight down by exactly 1 (SGD, lr 1); validation follows a script. */
  private static final class Scripted implements Trainer.GradientSource {
    final double[] validationLosses;
    final List<float[]> weightsAtValidation = new ArrayList<>();
    int validations;

    Scripted(double... validationLosses) {
      this.validationLosses = validationLosses;
    }

    @Override
    public StepResult step(
        float[] weights, float[] buffers, int epoch, int step, int steps, int maxEpochs) {
      float[] g = new float[weights.length];
      java.util.Arrays.fill(g, 4f);
      return StepResult.ofPartition(g, 2.0, 4.0, 4.0, 4);
    }

    @Override
    public StepResult validate(float[] weights, float[] buffers) {
      weightsAtValidation.add(weights.clone());
      double loss = validationLosses[validations++];
      return new StepResult(loss * 10, 10, 7, 10);
    }
  }

  private static TrainingConfig config(int maxEpochs, int patience) {
    return new TrainingConfig(
        "sgd", 1, 0, 0, "constant", 1, 1, 0, 0, 4, maxEpochs, 3, true, false, patience);
  }

  @Test
  void stopsAfterPatienceAndKeepsTheBestWeights() {
    Scripted source = new Scripted(1.0, 0.5, 0.7, 0.6, 0.9, 0.1);
    Trainer t = new Trainer(config(6, 3), SPEC, Objective.MSE, 8, true, null);
    Trainer.Result r = t.fit(source);
    assertThat(r.summary().totalEpochs()).isEqualTo(5);
    assertThat(r.summary().earlyStopped()).isTrue();
    assertThat(r.summary().bestEpoch()).isEqualTo(2);
    assertThat(r.weights()).containsExactly(source.weightsAtValidation.get(1));
    float[] initial = t.initialWeights();
    // Two steps per epoch (8 rows, batch 4), each moving every weight by -1.
    assertThat(r.weights()[0]).isEqualTo(initial[0] - 4);
    assertThat(r.summary().validationLoss()).containsExactly(1.0, 0.5, 0.7, 0.6, 0.9);
    assertThat(r.summary().validationMetric()[0]).isEqualTo(Math.sqrt(0.7));
    assertThat(r.summary().trainLoss()).containsOnly(0.5);
  }

  @Test
  void withoutPatienceTheLastWeightsAreKept() {
    Scripted source = new Scripted(1.0, 0.5, 0.7);
    Trainer.Result r = new Trainer(config(3, 0), SPEC, Objective.MSE, 8, true, null).fit(source);
    assertThat(r.summary().earlyStopped()).isFalse();
    assertThat(r.summary().bestEpoch()).isEqualTo(3);
    assertThat(r.weights()).containsExactly(source.weightsAtValidation.get(2));
  }

  @Test
  void improvingUntilTheEndIsNotAnEarlyStop() {
    Scripted source = new Scripted(0.9, 0.8, 0.7);
    Trainer.Result r = new Trainer(config(3, 1), SPEC, Objective.MSE, 8, true, null).fit(source);
    assertThat(r.summary().earlyStopped()).isFalse();
    assertThat(r.summary().bestEpoch()).isEqualTo(3);
    assertThat(r.summary().totalEpochs()).isEqualTo(3);
  }
}
