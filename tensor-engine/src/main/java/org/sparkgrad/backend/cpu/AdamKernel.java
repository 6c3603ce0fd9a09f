package org.sparkgrad.backend.cpu;

import org.sparkgrad.backend.AdamHyper;

/**
 * The CPU kernel of {@link CpuBackend#adamStep}: the Adam/AdamW update of one float32 parameter in
 * a single pass over its flat arrays, with no temporaries. Each element goes through the same float
 * operations, in the same order, as the tensor-op form in the optimizer (PyTorch's single-tensor
 * Adam), so both give the same values up to the rounding of a fused multiply-add.
 */
final class AdamKernel {
  private AdamKernel() {}

  /**
   * One step over {@code p} (parameter), {@code g} (gradient), {@code m}, {@code v} (first and
   * second moments) and {@code vmax} (the AMSGrad maximum, or null). {@code weightDecay} acts as L2
   * (added to the gradient) or, with {@code decoupled}, as AdamW's multiplicative decay.
   */
  static void step(float[] p, float[] g, float[] m, float[] v, float[] vmax, AdamHyper h) {
    double lr = h.lr();
    double beta1 = h.beta1();
    double beta2 = h.beta2();
    double weightDecay = h.weightDecay();
    double step = h.step();
    boolean decoupled = h.decoupled();
    boolean maximize = h.maximize();
    float decay = (float) (1 - lr * weightDecay);
    float wd = (float) weightDecay;
    float b1 = (float) beta1;
    float oneMinusB1 = (float) (1 - beta1);
    float b2 = (float) beta2;
    float oneMinusB2 = (float) (1 - beta2);
    float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
    float epsF = (float) h.eps();
    float negStepSize = (float) (-lr / (1 - Math.pow(beta1, step)));
    boolean l2 = !decoupled && weightDecay != 0;
    for (int i = 0; i < p.length; i++) {
      float gi = maximize ? -g[i] : g[i];
      if (decoupled) {
        p[i] = p[i] * decay;
      } else if (l2) {
        gi = gi + wd * p[i];
      }
      float mi = m[i] * b1 + oneMinusB1 * gi;
      float vi = v[i] * b2 + oneMinusB2 * (gi * gi);
      m[i] = mi;
      v[i] = vi;
      float second = vi;
      if (vmax != null) {
        second = Math.max(vmax[i], vi);
        vmax[i] = second;
      }
      float denom = (float) Math.sqrt(second) / bc2Sqrt + epsF;
      p[i] = p[i] + negStepSize * (mi / denom);
    }
  }
}
