package org.sparkgrad.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LossScalerTest {
  @Test
  void defaultsArePyTorchs() {
    LossScaler s = new LossScaler();
    assertThat(s.scale()).isEqualTo(65536f);
    for (int i = 0; i < 1999; i++) {
      assertThat(s.update(false)).isTrue();
    }
    assertThat(s.scale()).isEqualTo(65536f);
    assertThat(s.growthTracker()).isEqualTo(1999);
    s.update(false); // the 2000th clean step doubles it
    assertThat(s.scale()).isEqualTo(131072f);
    assertThat(s.growthTracker()).isZero();
  }

  @Test
  void anInfBacksOffSkipsTheStepAndRestartsTheCount() {
    LossScaler s = new LossScaler(1024f, 2.0, 0.5, 3);
    s.update(false);
    s.update(false);
    assertThat(s.update(true)).isFalse();
    assertThat(s.scale()).isEqualTo(512f);
    assertThat(s.growthTracker()).isZero();
    s.update(false);
    s.update(false);
    assertThat(s.scale()).isEqualTo(512f); // two clean steps since the backoff: not yet
    s.update(false);
    assertThat(s.scale()).isEqualTo(1024f);
    // A trajectory: inf, inf, then 3 clean steps: 1024 -> 512 -> 256 -> 512.
    s.update(true);
    s.update(true);
    assertThat(s.scale()).isEqualTo(256f);
    for (int i = 0; i < 3; i++) {
      s.update(false);
    }
    assertThat(s.scale()).isEqualTo(512f);
  }

  @Test
  void theScaleNeverGrowsToInfinity() {
    LossScaler s = new LossScaler(Float.MAX_VALUE / 1.5f, 2.0, 0.5, 1);
    s.update(false);
    assertThat(s.scale()).isEqualTo(Float.MAX_VALUE / 1.5f);
    assertThat(s.growthTracker()).isZero();
  }

  @Test
  void unscaleDividesEveryGradientAndReportsNonFiniteOnes() {
    LossScaler s = new LossScaler(8f, 2.0, 0.5, 10);
    float[] g = {8f, -4f, 0.5f};
    assertThat(s.unscale(g)).isTrue();
    assertThat(g).containsExactly(1f, -0.5f, 0.0625f);
    float[] bad = {16f, Float.POSITIVE_INFINITY, 24f};
    assertThat(s.unscale(bad)).isFalse();
    assertThat(bad[0]).isEqualTo(2f);
    assertThat(bad[2]).isEqualTo(3f); // after the inf, still unscaled
    float[] nan = {Float.NaN};
    assertThat(s.unscale(nan)).isFalse();
  }

  @Test
  void aScaledFloat16LossKeepsGradientsThatWouldFlushToZero() {
    // A gradient of 1e-8 is below float16's smallest subnormal (5.96e-8); scaled by 2^16 it is
    // 6.6e-4, representable, and unscaling in float32 gives it back.
    LossScaler s = new LossScaler();
    float tiny = 1e-8f;
    float scaled = tiny * s.scale();
    assertThat(scaled).isGreaterThan(5.96e-8f);
    float[] g = {scaled};
    s.unscale(g);
    assertThat(g[0]).isCloseTo(tiny, org.assertj.core.api.Assertions.within(1e-15f));
  }

  @Test
  void settingsAndSavedStateAreChecked() {
    assertThatThrownBy(() -> new LossScaler(0f, 2, 0.5, 1)).hasMessageContaining("initScale");
    assertThatThrownBy(() -> new LossScaler(1f, 1, 0.5, 1)).hasMessageContaining("growthFactor");
    assertThatThrownBy(() -> new LossScaler(1f, 2, 1, 1)).hasMessageContaining("backoffFactor");
    assertThatThrownBy(() -> new LossScaler(1f, 2, 0.5, 0)).hasMessageContaining("growthInterval");
    LossScaler s = new LossScaler(1f, 2, 0.5, 5);
    s.load(32f, 4);
    assertThat(s.scale()).isEqualTo(32f);
    s.update(false);
    assertThat(s.scale()).isEqualTo(64f);
    assertThatThrownBy(() -> s.load(32f, 5))
        .hasMessageContaining("growth tracker must be in [0, 5)");
    assertThatThrownBy(() -> s.load(Float.NaN, 0)).hasMessageContaining("scale must be > 0");
  }
}
