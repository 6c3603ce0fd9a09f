package org.sparkgrad.tensor;

import org.sparkgrad.backend.cpu.CpuStorage;

/**
 * Java arrays that share memory with CPU tensors, as PyTorch's {@code Tensor.numpy()} shares a CPU
 * tensor's buffer: for code outside the engine that moves whole parameter and gradient vectors
 * every step (a data-parallel trainer) and must not copy or allocate to do it. Writes through the
 * array change the tensor, bypassing autograd.
 */
public final class HostArrays {
  private HostArrays() {}

  /**
   * The float array that holds {@code t}'s values, when {@code t} is a float32 tensor in CPU memory
   * whose storage holds exactly its {@code numel()} values in order; otherwise null (another
   * device, dtype or layout: copy with {@link Tensor#toFloatArray()} or {@link Tensor#copyFrom}).
   */
  public static float[] sharedFloats(Tensor t) {
    if (t.dtype() == DType.FLOAT32
        && t.storage() instanceof CpuStorage cpu
        && cpu.floats().length == t.numel()) {
      return cpu.floats();
    }
    return null;
  }
}
