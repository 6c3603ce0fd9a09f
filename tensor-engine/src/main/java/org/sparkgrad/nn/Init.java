package org.sparkgrad.nn;

import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/** PyTorch's default initialisations, drawn from an explicit generator. */
final class Init {
  private Init() {}

  /** A float32 parameter drawn from {@code U(-bound, bound)}. */
  static Tensor uniform(Generator gen, double bound, int... shape) {
    checkGenerator(gen);
    int n = 1;
    for (int s : shape) {
      n *= s;
    }
    float[] v = new float[n];
    // Held for the whole tensor, as Tensor.rand does: the default generator is shared by threads.
    synchronized (gen) {
      for (int i = 0; i < n; i++) {
        v[i] = (float) (-bound + 2 * bound * gen.nextDouble());
      }
    }
    return Tensor.of(v, shape).requiresGrad(true);
  }

  /**
   * {@code kaiming_uniform_(a = sqrt(5))} with fan-in {@code fanIn}, PyTorch's default for {@code
   * Linear} and {@code Conv2d} weights: the bound {@code gain * sqrt(3 / fanIn)} with {@code gain =
   * sqrt(2 / (1 + a^2))} simplifies to {@code 1 / sqrt(fanIn)}, the bound of their biases too.
   */
  static double defaultBound(int fanIn) {
    return fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  }

  /**
   * Checks a pooling window as PyTorch does: positive {@code kernel_size} and {@code stride}, and
   * {@code padding} in {@code [0, kernel_size / 2]}; the message names the layer and argument.
   */
  static void checkPool(String layer, int kernelSize, int stride, int padding) {
    checkPositive(layer, "kernel_size", kernelSize);
    checkPositive(layer, "stride", stride);
    if (padding < 0 || padding > kernelSize / 2) {
      throw new IllegalArgumentException(
          layer
              + ": padding must be in [0, kernel_size / 2] = [0, "
              + kernelSize / 2
              + "], got "
              + padding);
    }
  }

  /** A float32 parameter drawn from {@code N(0, 1)}. */
  static Tensor normal(Generator gen, int... shape) {
    checkGenerator(gen);
    return Tensor.randn(gen, shape).requiresGrad(true);
  }

  static void checkGenerator(Generator gen) {
    if (gen == null) {
      throw new IllegalArgumentException("generator must not be null: pass a seeded Generator");
    }
  }

  static void checkPositive(String layer, String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(layer + ": " + name + " must be > 0, got " + value);
    }
  }
}
