package org.sparkgrad.optim;

import java.util.HashMap;
import java.util.Map;

/**
 * The optimizers' update equations written out in plain doubles, element by element, from PyTorch
 * 1.13's documentation; the engine's tensor implementation is checked against them.
 */
final class Reference {
  private Reference() {}

  /** One optimizer: updates parameter {@code index} (values {@code p}) from gradient {@code g}. */
  interface Algorithm {
    void step(int index, double[] p, double[] g);
  }

  static Algorithm sgd(
      double lr,
      double momentum,
      double dampening,
      double weightDecay,
      boolean nesterov,
      boolean maximize) {
    Map<Integer, double[]> buffers = new HashMap<>();
    return (index, p, grad) -> {
      boolean first = !buffers.containsKey(index);
      double[] b = buffers.computeIfAbsent(index, k -> new double[p.length]);
      for (int k = 0; k < p.length; k++) {
        double g = maximize ? -grad[k] : grad[k];
        if (weightDecay != 0) {
          g += weightDecay * p[k];
        }
        if (momentum != 0) {
          b[k] = first ? g : momentum * b[k] + (1 - dampening) * g;
          g = nesterov ? g + momentum * b[k] : b[k];
        }
        p[k] -= lr * g;
      }
    };
  }

  /** Adam ({@code decoupled == false}) or AdamW ({@code decoupled == true}). */
  static Algorithm adam(
      double lr,
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      boolean amsgrad,
      boolean maximize,
      boolean decoupled) {
    Map<Integer, double[][]> states = new HashMap<>();
    Map<Integer, Integer> steps = new HashMap<>();
    return (index, p, grad) -> {
      double[][] s = states.computeIfAbsent(index, k -> new double[3][p.length]);
      double[] m = s[0];
      double[] v = s[1];
      double[] vMax = s[2];
      int t = steps.merge(index, 1, Integer::sum);
      for (int k = 0; k < p.length; k++) {
        double g = maximize ? -grad[k] : grad[k];
        if (decoupled) {
          p[k] *= 1 - lr * weightDecay;
        } else if (weightDecay != 0) {
          g += weightDecay * p[k];
        }
        m[k] = beta1 * m[k] + (1 - beta1) * g;
        v[k] = beta2 * v[k] + (1 - beta2) * g * g;
        vMax[k] = Math.max(vMax[k], v[k]);
        double second = amsgrad ? vMax[k] : v[k];
        double stepSize = lr / (1 - Math.pow(beta1, t));
        double denom = Math.sqrt(second) / Math.sqrt(1 - Math.pow(beta2, t)) + eps;
        p[k] -= stepSize * m[k] / denom;
      }
    };
  }

  static Algorithm rmsprop(
      double lr,
      double alpha,
      double eps,
      double weightDecay,
      double momentum,
      boolean centered,
      boolean maximize) {
    Map<Integer, double[][]> states = new HashMap<>();
    return (index, p, grad) -> {
      double[][] s = states.computeIfAbsent(index, k -> new double[3][p.length]);
      double[] v = s[0];
      double[] gAvg = s[1];
      double[] b = s[2];
      for (int k = 0; k < p.length; k++) {
        double g = maximize ? -grad[k] : grad[k];
        if (weightDecay != 0) {
          g += weightDecay * p[k];
        }
        v[k] = alpha * v[k] + (1 - alpha) * g * g;
        double a;
        if (centered) {
          gAvg[k] = alpha * gAvg[k] + (1 - alpha) * g;
          a = Math.sqrt(v[k] - gAvg[k] * gAvg[k]) + eps;
        } else {
          a = Math.sqrt(v[k]) + eps;
        }
        if (momentum > 0) {
          b[k] = momentum * b[k] + g / a;
          p[k] -= lr * b[k];
        } else {
          p[k] -= lr * g / a;
        }
      }
    };
  }
}
