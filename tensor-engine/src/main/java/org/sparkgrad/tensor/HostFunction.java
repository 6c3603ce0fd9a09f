package org.sparkgrad.tensor;

import java.util.Objects;

/**
 * An autograd op whose forward and backward are maps of host arrays of the same length, as a
 * PyTorch {@code torch.autograd.Function} whose {@code forward} and {@code backward} call out of
 * the engine: for collectives such as a data-parallel all-reduce, whose values leave the device for
 * another process and come back. The output has the input's shape, dtype and device; float32
 * tensors travel as {@code float[]} and float64 tensors as {@code double[]}, so a float64 gradient
 * check through it keeps its precision.
 *
 * <p>It does not support integer tensors, and it does not check that {@code backward} is the
 * adjoint of {@code forward}: that is the caller's contract (for a sum over replicas, the adjoint
 * is the same sum of the incoming gradients).
 */
public final class HostFunction {
  /** A map of host arrays that keeps their length. */
  public interface ArrayMap {
    /** Maps the values of a float32 tensor. */
    float[] floats(float[] values);

    /** Maps the values of a float64 tensor. */
    double[] doubles(double[] values);
  }

  private HostFunction() {}

  /**
   * {@code forward} applied to {@code input}'s values, recorded as the op {@code name} whose
   * backward applies {@code backward} to the incoming gradient's values.
   *
   * @throws IllegalArgumentException if {@code input} is not float32 or float64, or a map returns
   *     an array of another length
   */
  public static Tensor apply(String name, Tensor input, ArrayMap forward, ArrayMap backward) {
    Objects.requireNonNull(forward, "forward");
    Objects.requireNonNull(backward, "backward");
    if (input.dtype() != DType.FLOAT32 && input.dtype() != DType.FLOAT64) {
      throw new IllegalArgumentException(
          name + ": expected a float32 or float64 tensor, got " + input.dtype());
    }
    Tensor out = map(name, input, forward);
    return Autograd.record(out, name, g -> new Tensor[] {map(name, g, backward)}, input);
  }

  private static Tensor map(String name, Tensor t, ArrayMap f) {
    Object values;
    int length;
    if (t.dtype() == DType.FLOAT64) {
      double[] d = f.doubles(t.toDoubleArray());
      length = d == null ? -1 : d.length;
      values = d;
    } else {
      float[] v = f.floats(t.toFloatArray());
      length = v == null ? -1 : v.length;
      values = v;
    }
    if (length != t.numel()) {
      throw new IllegalArgumentException(
          name + ": the host map returned " + length + " values for a tensor of " + t.numel());
    }
    return Tensor.over(t.backend().fromArray(values), t.rawShape());
  }
}
