package org.sparkgrad.tensor;

import org.sparkgrad.backend.Backends;
import org.sparkgrad.backend.Storage;

/**
 * The bodies of {@link Tensor}'s factory methods (copies of arrays, fills, ranges, random draws),
 * kept apart so that {@code Tensor} reads as its API; every tensor made here is a float32, float64
 * or int64 CPU tensor.
 */
final class Factories {
  private Factories() {}

  /** A CPU tensor holding a copy of a {@code float[]}, {@code double[]} or {@code long[]}. */
  static Tensor copyOf(Object data, int length, int[] shape) {
    return new Tensor(Backends.cpu().fromArray(data), shapeFor(length, shape));
  }

  /** A tensor over {@code storage} itself (wrapped caller arrays), 1-D if no shape is given. */
  static Tensor over(Storage storage, int[] shape) {
    return new Tensor(storage, shapeFor(storage.size(), shape));
  }

  /** A CPU tensor of {@code dtype} filled with {@code value}. */
  static Tensor full(double value, DType dtype, int[] shape) {
    Tensor t = Tensor.zeros(dtype, shape);
    t.backend().fill(t.storage(), value);
    return t;
  }

  /** {@code 0, 1, ..., end-1} as int64. */
  static Tensor arange(long end) {
    long[] v = new long[Math.toIntExact(Math.max(end, 0))];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    return Tensor.ofLongs(v);
  }

  /** {@code start, start+step, ...} below {@code end}, as float32. */
  static Tensor arange(double start, double end, double step) {
    if (step == 0) {
      throw new IllegalArgumentException("arange step must be non-zero");
    }
    int n = (int) Math.max(0, Math.ceil((end - start) / step));
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (start + i * step);
    }
    return Tensor.of(v);
  }

  /**
   * Standard normal ({@code gaussian}) or uniform on [0, 1) float32 values from {@code generator},
   * held for the whole draw so that concurrent draws do not interleave.
   */
  static Tensor rand(Generator generator, boolean gaussian, int[] shape) {
    float[] v = new float[Shapes.numel(shape)];
    synchronized (generator) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (gaussian ? generator.nextGaussian() : generator.nextDouble());
      }
    }
    return Tensor.of(v, shape);
  }

  /** The {@code n x n} float32 identity. */
  static Tensor eye(int n) {
    float[] v = new float[n * n];
    for (int i = 0; i < n; i++) {
      v[i * n + i] = 1;
    }
    return Tensor.of(v, n, n);
  }

  /** {@code shape}, or {@code [length]} if none is given; it must hold {@code length} elements. */
  static int[] shapeFor(int length, int[] shape) {
    if (shape.length == 0) {
      return new int[] {length};
    }
    if (Shapes.numel(shape) != length) {
      throw new IllegalArgumentException(
          "shape "
              + Shapes.str(shape)
              + " needs "
              + Shapes.numel(shape)
              + " elements, got "
              + length);
    }
    return shape;
  }
}
