package org.sparkgrad.backend.cuda;

import org.sparkgrad.backend.Backend;
import org.sparkgrad.backend.BackendProvider;
import org.sparkgrad.backend.BackendUnavailableException;
import org.sparkgrad.tensor.Device;

/**
 * Finds the CUDA backend at run time (registered in {@code META-INF/services}). Creating a backend
 * loads JCuda's driver binding, calls {@code cuInit}, checks the device index and starts the
 * device's context; any failure is a {@link BackendUnavailableException} that names what is missing
 * (JCuda's natives, the driver library {@code libcuda.so.1}, a device), never a crash, so the CPU
 * path keeps working.
 */
public final class CudaBackendProvider implements BackendProvider {
  /** Called by {@link java.util.ServiceLoader}. */
  public CudaBackendProvider() {}

  @Override
  public Device.Type type() {
    return Device.Type.CUDA;
  }

  @Override
  public Backend create(Device device) {
    if (!device.isCuda()) {
      throw new IllegalArgumentException("the CUDA backend serves cuda:N devices, got " + device);
    }
    int count;
    try {
      count = CudaDriver.deviceCount();
    } catch (IllegalStateException e) {
      throw unavailable(device, e.getMessage(), e);
    } catch (LinkageError e) {
      throw unavailable(device, CudaLoadFailure.describe(e), e);
    }
    if (device.index() >= count) {
      throw unavailable(
          device,
          "device index "
              + device.index()
              + " is out of range: this machine has "
              + count
              + " CUDA device"
              + (count == 1 ? " (cuda:0)" : "s (cuda:0 to cuda:" + (count - 1) + ")"),
          null);
    }
    try {
      return new CudaBackend(CudaDevice.open(device));
    } catch (CudaException e) {
      throw unavailable(device, "the device could not be started: " + e.getMessage(), e);
    }
  }

  private static BackendUnavailableException unavailable(
      Device device, String reason, Throwable cause) {
    String message = "CUDA backend unavailable for " + device + ": " + reason;
    return cause == null
        ? new BackendUnavailableException(message)
        : new BackendUnavailableException(message, cause);
  }
}
