package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.sparkgrad.backend.BackendUnavailableException;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.spark.DeviceChoice;
import org.sparkgrad.spark.DeviceSetting;
import org.sparkgrad.tensor.Device;

/**
 * Turns the {@code device} param ({@code auto}, {@code cpu} or {@code gpu}) into the device where a
 * step computes, on the machine that runs the step. The trainer core holds one, so it runs without
 * Spark ({@link #PLAIN}) and the Spark adapters give it one that reads what Spark assigned the
 * task. Both decide by the one rule, {@link DeviceChoice}.
 */
@FunctionalInterface
public interface DeviceResolver extends Serializable {

  /**
   * Resolution without Spark, as {@link DeviceChoice} decides for a local-mode process that Spark
   * assigned no GPU: {@code cpu} and {@code auto} give the CPU, {@code gpu} gives {@code cuda:0}
   * where CUDA runs, else an error.
   */
  DeviceResolver PLAIN =
      choice ->
          usable(
              DeviceChoice.forTask(
                      setting(choice), List.of(), List.of(), true, Backends::isAvailable)
                  .device());

  /**
   * The device for {@code choice} here.
   *
   * @throws IllegalArgumentException for an unknown name, or {@code gpu} without a usable GPU
   */
  Device resolve(String choice);

  /**
   * The {@code device} param's value as a setting.
   *
   * @throws IllegalArgumentException naming the param for a value other than auto, cpu, gpu
   */
  static DeviceSetting setting(String choice) {
    return switch (choice) {
      case "cpu", "auto", "gpu" -> DeviceSetting.valueOf(choice.toUpperCase(Locale.ROOT));
      default ->
          throw new IllegalArgumentException(
              "device must be one of [auto, cpu, gpu], got '" + choice + "'");
    };
  }

  /**
   * {@code device} itself once a CUDA device is known to have a backend here.
   *
   * @throws IllegalArgumentException saying why a chosen GPU cannot be used, and what to set
   */
  static Device usable(Device device) {
    if (device.isCuda()) {
      try {
        Backends.of(device);
      } catch (BackendUnavailableException e) {
        throw new IllegalArgumentException(
            "device is 'gpu' but no GPU can be used here: "
                + e.getMessage()
                + "; set device to 'auto' or 'cpu' to run on the CPU",
            e);
      }
    }
    return device;
  }
}
