package org.sparkgrad.ml.train;

import java.util.Optional;
import org.sparkgrad.backend.BackendUnavailableException;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.spark.SparkgradExecutorState;
import org.sparkgrad.tensor.Device;

/** Resolves the {@code device} param where the computation runs. */
public final class Devices {
  private Devices() {}

  /**
   * {@code cpu}: the CPU; {@code gpu}: the GPU the Sparkgrad plugin gave this executor (without the
   * plugin, the first CUDA device), or an error saying why it cannot be used; {@code auto}: the
   * plugin's choice where the plugin runs, else the first CUDA device if its backend starts here,
   * else the CPU.
   *
   * @throws IllegalArgumentException for {@code gpu} without a usable GPU, or an unknown name
   */
  public static Device resolve(String choice) {
    Optional<Device> assigned = SparkgradExecutorState.current().map(s -> s.device());
    return switch (choice) {
      case "cpu" -> Device.CPU;
      case "auto" ->
          assigned.orElseGet(
              () -> Backends.isAvailable(Device.cuda(0)) ? Device.cuda(0) : Device.CPU);
      case "gpu" -> {
        Device gpu = assigned.filter(Device::isCuda).orElse(Device.cuda(0));
        try {
          Backends.of(gpu);
          yield gpu;
        } catch (BackendUnavailableException e) {
          throw new IllegalArgumentException(
              "device is 'gpu' but no GPU can be used here: "
                  + e.getMessage()
                  + "; set device to 'auto' or 'cpu' to run on the CPU",
              e);
        }
      }
      default ->
          throw new IllegalArgumentException(
              "device must be one of [auto, cpu, gpu], got '" + choice + "'");
    };
  }
}
