package org.sparkgrad.ml.train;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.nn.utils.ParameterVectors;
import org.sparkgrad.optim.ClipGrad;
import org.sparkgrad.optim.LossScaler;
import org.sparkgrad.optim.Optimizer;
import org.sparkgrad.optim.ParamGroup;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Tensor;

/**
 * The one scale, clip, step routine of training: a minibatch's gradient sums divided by its weight
 * sum (in double, rounded once to float32; with fp16 loss scaling also scaled, checked and
 * unscaled), clipped to {@code gradClipNorm}, and one optimizer step at the step's learning rate.
 * The driver's synchronous step ({@link FitRun}) applies it to the summed gradients partitions
 * return, a local-steps round ({@link LocalSteps}) to the gradients its replica holds, so both
 * train the same way.
 */
final class StepUpdate {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  private final List<Tensor> params;
  private final Optimizer optimizer;
  private final TrainingConfig config;
  private final LossScaler scaler;
  // The step's gradient as one flat vector, reused by every step before it goes into the params'.
  private float[] gradBuffer;

  /**
   * Updates of {@code params} by {@code optimizer}, clipped as {@code config} says, with loss
   * scaling by {@code scaler} (null: none).
   */
  StepUpdate(List<Tensor> params, Optimizer optimizer, TrainingConfig config, LossScaler scaler) {
    this.params = params;
    this.optimizer = optimizer;
    this.config = config;
    this.scaler = scaler;
  }

  /** Sets the learning rate of every parameter group. */
  void setLr(double lr) {
    for (ParamGroup g : optimizer.paramGroups()) {
      g.setLr(lr);
    }
  }

  /**
   * Steps on {@code r}'s summed gradient over its weight sum, at the learning rate set last, and
   * says whether it stepped. Without loss scaling a value that is not finite once written calls
   * {@code onNonFinite} (the caller reports the divergence) and the step goes on. With it (fp16),
   * the gradient is scaled by the scaler's scale as it is written (rounded once to float32, so a
   * value past float32's range becomes infinite), unscaled by the scale's float32 reciprocal and
   * checked, as GradScaler's {@code unscale_}; an infinite or NaN value skips the step (logged as
   * at epoch {@code epoch} and step {@code step}, from 0) and halves the scale, else the scaler
   * counts towards growth. With a power-of-two scale a finite gradient is the unscaled one bit for
   * bit (docs/CUDA.md says why the scale is applied here rather than on the executors).
   */
  boolean stepOnSums(StepResult r, int epoch, int step, Runnable onNonFinite) {
    if (gradBuffer == null) {
      gradBuffer = new float[ParameterVectors.numel(params)];
    }
    if (scaler == null) {
      if (!scaledInto(gradBuffer, r, r.weightSum())) {
        onNonFinite.run();
      }
      ParameterVectors.floatsToGradients(gradBuffer, params);
      clipAndStep();
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
    clipAndStep();
    return true;
  }

  /**
   * Steps on the gradient sums the parameters hold, over {@code weightSum}, at learning rate {@code
   * lr}. A parameter without a gradient stays without one (the optimizer skips it).
   */
  void stepOnGrads(double weightSum, double lr) {
    divideGrads(weightSum);
    setLr(lr);
    clipAndStep();
  }

  private void clipAndStep() {
    if (config.gradClipNorm() > 0) {
      ClipGrad.clipGradNorm(params, config.gradClipNorm());
    }
    optimizer.step();
  }

  /**
   * Divides the gradient sums by {@code weightSum} as {@link #scaledInto} does: in double, rounded
   * once to float, for gradients in CPU memory (a device's gradient is divided where it lives).
   */
  private void divideGrads(double weightSum) {
    List<Tensor> onCpu = new ArrayList<>();
    for (Tensor p : params) {
      Tensor grad = p.grad();
      if (grad != null && grad.device().equals(Device.CPU)) {
        onCpu.add(p);
      } else if (grad != null) {
        grad.divInPlace(weightSum);
      }
    }
    float[] g = ParameterVectors.gradientsToFloats(onCpu, null);
    for (int i = 0; i < g.length; i++) {
      g[i] = (float) (g[i] / weightSum);
    }
    ParameterVectors.floatsToGradients(g, onCpu);
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
