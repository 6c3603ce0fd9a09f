package org.sparkgrad.backend.cuda;

/**
 * A CUDA driver or cuBLAS call failed. The message names the call, the device and the CUDA error
 * (for example {@code cuLaunchKernel(binary_f32) on cuda:0 failed: CUDA_ERROR_ILLEGAL_ADDRESS}).
 *
 * <p>Errors that a kernel raises asynchronously (an illegal address) surface at the next call that
 * waits for the stream, and leave the device's context unusable until the process exits, as in any
 * CUDA program.
 */
public class CudaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CudaException(String message) {
    super(message);
  }
}
