package org.sparkgrad.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.sparkgrad.backend.cpu.CpuBackend;
import org.sparkgrad.tensor.Device;

/**
 * The backend of each device. The CPU backend is built in; others are found through {@link
 * BackendProvider} services on the class path and created once per device. A device whose backend
 * cannot start is remembered too: asking again throws the same reason at once, without searching
 * the class path again (a trainer asks on every step).
 */
public final class Backends {
  private static final Map<Device, Backend> BACKENDS = new ConcurrentHashMap<>();
  private static final Map<Device, BackendUnavailableException> FAILED = new ConcurrentHashMap<>();

  private Backends() {}

  /** The CPU backend. */
  public static Backend cpu() {
    return CpuBackend.instance();
  }

  /**
   * The backend for {@code device}.
   *
   * @throws BackendUnavailableException if the device's backend is not on the class path or cannot
   *     start; the message says what is missing
   */
  public static Backend of(Device device) {
    if (device.type() == Device.Type.CPU) {
      return CpuBackend.instance();
    }
    Backend cached = BACKENDS.get(device);
    if (cached != null) {
      return cached;
    }
    synchronized (Backends.class) {
      BackendUnavailableException failed = FAILED.get(device);
      if (failed != null) {
        throw new BackendUnavailableException(failed.getMessage(), failed);
      }
      try {
        return BACKENDS.computeIfAbsent(device, Backends::create);
      } catch (BackendUnavailableException e) {
        FAILED.put(device, e);
        throw e;
      }
    }
  }

  /** True if {@code device} can be used here; never throws. */
  public static boolean isAvailable(Device device) {
    if (device.type() != Device.Type.CPU && FAILED.containsKey(device)) {
      return false;
    }
    try {
      of(device);
      return true;
    } catch (BackendUnavailableException e) {
      return false;
    }
  }

  private static Backend create(Device device) {
    List<String> tried = new ArrayList<>();
    for (BackendProvider provider : ServiceLoader.load(BackendProvider.class)) {
      if (provider.type() == device.type()) {
        return provider.create(device);
      }
      tried.add(provider.getClass().getName());
    }
    throw new BackendUnavailableException(
        "no backend for "
            + device
            + " on the class path (providers found: "
            + (tried.isEmpty() ? "none" : String.join(", ", tried))
            + "); add the CUDA backend's jar or use the CPU");
  }
}
