package org.sparkgrad.bench;

import org.sparkgrad.backend.BackendUnavailableException;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.backend.cuda.CudaBackend;
import org.sparkgrad.tensor.Device;

/** The GPU programs' device: {@code cuda:0}, or the reason there is none. */
final class CudaZero {
  private CudaZero() {}

  /** The backend of {@code cuda:0}; without one, prints why and exits with status 2. */
  static CudaBackend orExit() {
    try {
      return (CudaBackend) Backends.of(Device.cuda(0));
    } catch (BackendUnavailableException e) {
      System.out.println("no CUDA device: " + e.getMessage());
      System.exit(2);
      throw new AssertionError("unreachable");
    }
  }
}
