package org.sparkgrad.backend;

import org.sparkgrad.tensor.Device;

/**
 * Finds a {@link Backend} at run time through {@link java.util.ServiceLoader}, so that a device
 * whose libraries are missing never breaks the others.
 */
public interface BackendProvider {
  /** The kind of device this provider serves. */
  Device.Type type();

  /**
   * Creates the backend for one device of this kind.
   *
   * @throws BackendUnavailableException naming what is missing (driver library, device count)
   */
  Backend create(Device device);
}
