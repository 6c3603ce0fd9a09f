package org.sparkgrad.backend.cuda;

import jcuda.driver.CUresult;

/** Result-code checks for driver API calls: every failure becomes a {@link CudaException}. */
final class Cuda {
  private Cuda() {}

  /**
   * Throws unless {@code result} is {@code CUDA_SUCCESS}.
   *
   * @param call what was called, with enough context to find it (the kernel name, the device)
   */
  static void check(int result, String call) {
    if (result != CUresult.CUDA_SUCCESS) {
      throw new CudaException(call + " failed: " + errorName(result));
    }
  }

  /** The CUDA error's name, such as {@code CUDA_ERROR_OUT_OF_MEMORY}. */
  static String errorName(int result) {
    String name = CUresult.stringFor(result);
    return name == null || name.startsWith("INVALID CUresult") ? "CUDA error " + result : name;
  }

  /** A byte count for messages: {@code 1.50 GiB (1610612736 bytes)}. */
  static String bytes(long n) {
    String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0
        ? n + " bytes"
        : String.format(java.util.Locale.ROOT, "%.2f %s (%d bytes)", v, units[u], n);
  }
}
