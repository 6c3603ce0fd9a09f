package org.sparkgrad.nn.utils;

import java.util.Arrays;
import java.util.List;
import org.sparkgrad.backend.cpu.CpuStorage;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * Parameters and their gradients as one flat vector, as PyTorch's {@code
 * torch.nn.utils.parameters_to_vector} and {@code vector_to_parameters}: the tensors in the order
 * given (a module's {@code parameters()}, which is the order of its state dict without the
 * buffers), each row-major.
 *
 * <p>Besides PyTorch's two tensor functions, it moves the flat vector to and from Java {@code
 * float[]} arrays, for a data-parallel trainer that sends weights and gradients between processes
 * every step. These do not allocate per tensor for float32 tensors in CPU memory (they copy
 * straight between the arrays), and go through each tensor's backend for any other device or dtype,
 * so code outside the engine never sees how a tensor is stored. Values written by these methods are
 * not recorded by autograd.
 *
 * <p>Unlike PyTorch's {@code vector_to_parameters}, which rebinds each parameter's {@code .data} to
 * a view of the vector, {@link #vectorToParameters} copies the values into the tensors the module
 * already holds: a module, an optimizer and a gradient buffer keep referring to the same tensors.
 */
public final class ParameterVectors {
  private ParameterVectors() {}

  /** The total number of elements of {@code tensors}: the length of their flat vector. */
  public static int numel(List<Tensor> tensors) {
    long n = 0;
    for (Tensor t : tensors) {
      n += t.numel();
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(n + " elements do not fit in one flat vector");
    }
    return (int) n;
  }

  /**
   * The parameters as one 1-D tensor on their device, as {@code parameters_to_vector}: {@code
   * cat([p.view(-1) for p in parameters])}. Differentiable, as PyTorch's.
   *
   * @throws IllegalArgumentException if {@code parameters} is empty or spans devices
   */
  public static Tensor parametersToVector(List<Tensor> parameters) {
    if (parameters.isEmpty()) {
      throw new IllegalArgumentException("parameters is empty: there is no vector to make");
    }
    checkOneDevice(parameters, parameters.get(0).device());
    return Tensor.cat(parameters.stream().map(p -> p.reshape(p.numel())).toList());
  }

  /**
   * Copies the 1-D {@code vector}'s values into {@code parameters}, in order, as {@code
   * vector_to_parameters} (see the class comment for how this differs from rebinding).
   *
   * @throws IllegalArgumentException if {@code vector} is not 1-D, its length is not the
   *     parameters' total size, or it lies on another device than a parameter
   */
  public static void vectorToParameters(Tensor vector, List<Tensor> parameters) {
    if (vector.dim() != 1) {
      throw new IllegalArgumentException("vector must be 1-D, got " + vector.dim() + " dims");
    }
    checkLength(vector.numel(), parameters, "vector");
    checkOneDevice(parameters, vector.device());
    int off = 0;
    try (NoGrad ng = NoGrad.enter()) {
      for (Tensor p : parameters) {
        int n = p.numel();
        p.copyFrom(vector.narrow(0, off, n).reshape(p.shape()));
        off += n;
      }
    }
  }

  /**
   * The values of {@code tensors} as one flat float vector, written into {@code out} when it has
   * exactly their total length (no allocation), else into a new array; returns the array written. A
   * float64 or int64 tensor contributes its values rounded to float.
   */
  public static float[] toFloats(List<Tensor> tensors, float[] out) {
    int total = numel(tensors);
    float[] flat = out != null && out.length == total ? out : new float[total];
    int off = 0;
    for (Tensor t : tensors) {
      copyOut(t, flat, off);
      off += t.numel();
    }
    return flat;
  }

  /**
   * Copies the flat {@code flat} into {@code tensors}, in order (each value converted to the
   * tensor's dtype).
   *
   * @throws IllegalArgumentException if {@code flat}'s length is not the tensors' total size
   */
  public static void fromFloats(float[] flat, List<Tensor> tensors) {
    checkLength(flat.length, tensors, "flat vector");
    int off = 0;
    try (NoGrad ng = NoGrad.enter()) {
      for (Tensor t : tensors) {
        copyIn(flat, off, t, false);
        off += t.numel();
      }
    }
  }

  /**
   * The gradients of {@code parameters} as one flat float vector (into {@code out} when it has the
   * right length, as {@link #toFloats}); a parameter without a gradient contributes zeros.
   */
  public static float[] gradientsToFloats(List<Tensor> parameters, float[] out) {
    int total = numel(parameters);
    float[] flat = out != null && out.length == total ? out : new float[total];
    int off = 0;
    for (Tensor p : parameters) {
      Tensor g = p.grad();
      if (g == null) {
        Arrays.fill(flat, off, off + p.numel(), 0f);
      } else {
        copyOut(g, flat, off);
      }
      off += p.numel();
    }
    return flat;
  }

  /**
   * Sets each parameter's gradient to its slice of {@code flat}, written into the gradient buffer
   * the parameter already has (a new zero buffer on the parameter's device where it has none), so
   * that a training step that sets gradients every step does not allocate them.
   *
   * @throws IllegalArgumentException if {@code flat}'s length is not the parameters' total size
   */
  public static void floatsToGradients(float[] flat, List<Tensor> parameters) {
    writeGradients(flat, parameters, false);
  }

  /**
   * Adds each parameter's slice of {@code flat} into its gradient (from zero where it has none), as
   * {@code backward()} accumulates into {@code .grad}: {@code p.grad += flat[off:off+n]}.
   *
   * @throws IllegalArgumentException if {@code flat}'s length is not the parameters' total size
   */
  public static void accumulateGradients(float[] flat, List<Tensor> parameters) {
    writeGradients(flat, parameters, true);
  }

  private static void writeGradients(float[] flat, List<Tensor> parameters, boolean add) {
    checkLength(flat.length, parameters, "gradient vector");
    int off = 0;
    try (NoGrad ng = NoGrad.enter()) {
      for (Tensor p : parameters) {
        Tensor g = p.grad();
        if (g == null) {
          g = Tensor.zeros(p.dtype(), p.shape()).to(p.device());
          p.setGrad(g);
        }
        copyIn(flat, off, g, add);
        off += p.numel();
      }
    }
  }

  /** Copies {@code t}'s values into {@code out} from {@code off}. */
  private static void copyOut(Tensor t, float[] out, int off) {
    float[] own = ownFloats(t);
    float[] v = own != null ? own : t.toFloatArray();
    System.arraycopy(v, 0, out, off, t.numel());
  }

  /** Copies (or with {@code add}, adds) {@code flat[off, off + numel)} into {@code t}. */
  private static void copyIn(float[] flat, int off, Tensor t, boolean add) {
    int n = t.numel();
    float[] own = ownFloats(t);
    if (own != null && add) {
      for (int i = 0; i < n; i++) {
        own[i] += flat[off + i];
      }
    } else if (own != null) {
      System.arraycopy(flat, off, own, 0, n);
    } else {
      float[] part = new float[n];
      System.arraycopy(flat, off, part, 0, n);
      // reshape: Tensor.of makes a 0-d shape (a count such as num_batches_tracked) 1-d.
      Tensor src = Tensor.of(part).reshape(t.shape()).to(t.dtype()).to(t.device());
      if (add) {
        t.addInPlace(src);
      } else {
        t.copyFrom(src);
      }
    }
  }

  /**
   * The array that holds {@code t}'s values when {@code t} is float32 in CPU memory with storage of
   * exactly its size; else null (the caller goes through the tensor's backend).
   */
  private static float[] ownFloats(Tensor t) {
    if (t.dtype() == DType.FLOAT32
        && t.storage() instanceof CpuStorage cpu
        && cpu.floats().length == t.numel()) {
      return cpu.floats();
    }
    return null;
  }

  private static void checkLength(int length, List<Tensor> tensors, String what) {
    int total = numel(tensors);
    if (length != total) {
      throw new IllegalArgumentException(
          what
              + " has "
              + length
              + " values, but the "
              + tensors.size()
              + " tensors have "
              + total);
    }
  }

  private static void checkOneDevice(List<Tensor> tensors, Device device) {
    for (int i = 0; i < tensors.size(); i++) {
      if (!tensors.get(i).device().equals(device)) {
        throw new IllegalArgumentException(
            "tensor " + i + " is on " + tensors.get(i).device() + ", expected " + device);
      }
    }
  }
}
