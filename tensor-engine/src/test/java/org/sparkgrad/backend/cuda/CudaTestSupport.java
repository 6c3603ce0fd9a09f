package org.sparkgrad.backend.cuda;

import org.sparkgrad.backend.BackendUnavailableException;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.tensor.Device;

/** Whether this machine has a usable CUDA device, and why not. */
final class CudaTestSupport {
  private static final String REASON = probe();

  private CudaTestSupport() {}

  private static String probe() {
    try {
      Backends.of(Device.cuda(0));
      return null;
    } catch (BackendUnavailableException e) {
      return e.getMessage();
    }
  }

  static boolean available() {
    return REASON == null;
  }

  /** The skip reason for tests that need a GPU. */
  static String skipReason() {
    return "no CUDA device: " + REASON;
  }
}
