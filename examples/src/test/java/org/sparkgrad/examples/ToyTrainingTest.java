package org.sparkgrad.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToyTrainingTest {
  @Test
  void classicLoopSeparatesTheBlobs() {
    Capture c = new Capture();
    ToyTraining.Result r = ToyTraining.run(c.out, 10);
    assertThat(r.trainAccuracy()).isEqualTo(1.0);
    assertThat(r.testAccuracy()).isEqualTo(1.0);
    // Starts near log(3) = 1.1 and falls by orders of magnitude.
    assertThat(r.epochLoss().get(0)).isGreaterThan(0.05);
    assertThat(r.epochLoss().get(9)).isLessThan(r.epochLoss().get(0) / 10);
    assertThat(r.model().isTraining()).isFalse();
    // 600 samples, batches of 32, the incomplete last batch dropped: 18 batches per epoch.
    assertThat(c.text())
        .contains("600 training samples, 150 test samples, 18 batches of 32 per epoch")
        .contains("epoch 10  batches 18")
        .contains("train accuracy 1.0000, test accuracy 1.0000");
  }

  @Test
  void anUntrainedNetworkDoesNotScorePerfectly() {
    Capture c = new Capture();
    ToyTraining.Result r = ToyTraining.run(c.out, 0);
    assertThat(r.trainAccuracy()).isLessThan(0.9);
  }
}
