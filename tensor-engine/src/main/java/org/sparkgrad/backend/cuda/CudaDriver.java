package org.sparkgrad.backend.cuda;

import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Loads JCuda's driver binding and calls {@code cuInit} once per JVM, remembering either the number
 * of devices or why CUDA cannot run here.
 */
final class CudaDriver {
  /** {@code CUDA_ERROR_INSUFFICIENT_DRIVER} in cuda.h; JCuda's driver {@code CUresult} lacks it. */
  static final int CUDA_ERROR_INSUFFICIENT_DRIVER = 35;

  private static boolean initialised;
  private static int deviceCount;
  private static String unavailableReason;

  private CudaDriver() {}

  /**
   * The number of CUDA devices.
   *
   * @throws IllegalStateException with the reason as its message if CUDA cannot run here; the
   *     provider turns it into a {@link org.sparkgrad.backend.BackendUnavailableException}
   */
  static synchronized int deviceCount() {
    if (!initialised) {
      initialise();
      initialised = true;
    }
    if (unavailableReason != null) {
      throw new IllegalStateException(unavailableReason);
    }
    return deviceCount;
  }

  private static void initialise() {
    int result;
    try {
      result = JCudaDriver.cuInit(0);
    } catch (LinkageError e) {
      // The native library or the driver library it links against is missing. The class's
      // static initialiser fails once; later uses see only NoClassDefFoundError, so the first
      // reason is the one kept.
      unavailableReason = CudaLoadFailure.describe(e);
      return;
    }
    if (result != CUresult.CUDA_SUCCESS) {
      unavailableReason = initFailure(result);
      return;
    }
    int[] count = new int[1];
    result = JCudaDriver.cuDeviceGetCount(count);
    if (result != CUresult.CUDA_SUCCESS) {
      unavailableReason = "cuDeviceGetCount failed: " + Cuda.errorName(result);
      return;
    }
    if (count[0] == 0) {
      unavailableReason =
          "the CUDA driver reports 0 devices (device count 0; check CUDA_VISIBLE_DEVICES)";
      return;
    }
    deviceCount = count[0];
  }

  /** Why {@code cuInit} failed, in words. */
  static String initFailure(int result) {
    String name = Cuda.errorName(result);
    if (result == CUresult.CUDA_ERROR_NO_DEVICE) {
      return "the CUDA driver found no device (device count 0; cuInit returned " + name + ")";
    }
    if (result == CUDA_ERROR_INSUFFICIENT_DRIVER
        || result == CUresult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH) {
      return "the installed NVIDIA driver is too old or does not match its kernel module (cuInit"
          + " returned "
          + (result == CUDA_ERROR_INSUFFICIENT_DRIVER ? "CUDA_ERROR_INSUFFICIENT_DRIVER" : name)
          + ")";
    }
    return "cuInit failed: " + name;
  }
}
