package org.sparkgrad.optim;

/**
 * Dynamic loss scaling for float16 training, as PyTorch's {@code torch.cuda.amp.GradScaler}: the
 * loss is multiplied by {@link #scale()} before backward so that small gradients do not flush to
 * zero in float16; the gradients are divided by it again ({@link #unscale}) before the optimizer
 * step, which is skipped when any of them is infinite or NaN; and the scale adapts ({@link
 * #update}):
 *
 * <pre>
 * found inf or NaN:  scale ← scale · backoffFactor,  tracker ← 0,  skip the step
 * otherwise:         tracker ← tracker + 1
 *                    if tracker = growthInterval:  scale ← scale · growthFactor (if finite),
 *                                                  tracker ← 0
 * </pre>
 *
 * <p>The defaults are PyTorch's: scale 2<sup>16</sup>, growth 2, backoff 0.5, interval 2000. The
 * master weights and the optimizer stay float32; this class only decides the scale, so it is the
 * same on every device (the CUDA backend's {@code unscale_check_f32} kernel unscales a gradient
 * where it lives). bfloat16 has float32's range and needs no scaling.
 *
 * <p>Not thread-safe: one scaler belongs to one training loop.
 */
public final class LossScaler {
  private final double growthFactor;
  private final double backoffFactor;
  private final int growthInterval;
  private float scale;
  private int tracker;

  /** PyTorch's defaults: scale 65536, growth 2, backoff 0.5, interval 2000. */
  public LossScaler() {
    this(65536f, 2.0, 0.5, 2000);
  }

  /**
   * @throws IllegalArgumentException unless {@code initScale > 0} and finite, {@code growthFactor >
   *     1}, {@code 0 < backoffFactor < 1}, {@code growthInterval >= 1}
   */
  public LossScaler(
      float initScale, double growthFactor, double backoffFactor, int growthInterval) {
    if (!(initScale > 0) || Float.isInfinite(initScale)) {
      throw new IllegalArgumentException("initScale must be > 0 and finite, got " + initScale);
    }
    if (!(growthFactor > 1)) {
      throw new IllegalArgumentException("growthFactor must be > 1, got " + growthFactor);
    }
    if (!(backoffFactor > 0 && backoffFactor < 1)) {
      throw new IllegalArgumentException("backoffFactor must be in (0, 1), got " + backoffFactor);
    }
    if (growthInterval < 1) {
      throw new IllegalArgumentException("growthInterval must be >= 1, got " + growthInterval);
    }
    this.scale = initScale;
    this.growthFactor = growthFactor;
    this.backoffFactor = backoffFactor;
    this.growthInterval = growthInterval;
  }

  /** The factor to multiply the loss by before backward. */
  public float scale() {
    return scale;
  }

  /** Successful steps since the scale last changed. */
  public int growthTracker() {
    return tracker;
  }

  /**
   * Divides {@code grads} by the scale in place (multiplying by its float32 reciprocal, as PyTorch
   * does) and says whether every result is finite. All of them are unscaled either way.
   *
   * @return false when any gradient is infinite or NaN: skip this optimizer step
   */
  public boolean unscale(float[] grads) {
    float inv = (float) (1.0 / scale);
    boolean finite = true;
    for (int i = 0; i < grads.length; i++) {
      float g = grads[i] * inv;
      grads[i] = g;
      finite &= Float.isFinite(g);
    }
    return finite;
  }

  /**
   * Adapts the scale after a step, by the rule above.
   *
   * @param foundInf whether {@link #unscale} found an infinite or NaN gradient this step
   * @return whether the optimizer step should be applied ({@code !foundInf})
   */
  public boolean update(boolean foundInf) {
    if (foundInf) {
      scale = (float) (scale * backoffFactor);
      tracker = 0;
      return false;
    }
    tracker++;
    if (tracker == growthInterval) {
      float grown = (float) (scale * growthFactor);
      if (Float.isFinite(grown)) {
        scale = grown;
      }
      tracker = 0;
    }
    return true;
  }

  /** Restores the state a checkpoint saved ({@link #scale()}, {@link #growthTracker()}). */
  public void load(float savedScale, int savedTracker) {
    if (!(savedScale > 0) || Float.isInfinite(savedScale)) {
      throw new IllegalArgumentException("scale must be > 0 and finite, got " + savedScale);
    }
    if (savedTracker < 0 || savedTracker >= growthInterval) {
      throw new IllegalArgumentException(
          "growth tracker must be in [0, " + growthInterval + "), got " + savedTracker);
    }
    scale = savedScale;
    tracker = savedTracker;
  }
}
