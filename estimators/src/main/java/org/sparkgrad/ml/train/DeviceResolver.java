package org.sparkgrad.ml.train;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.sparkgrad.backend.BackendUnavailableException;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.spark.DeviceChoice;
import org.sparkgrad.spark.DeviceSetting;
import org.sparkgrad.tensor.Device;

/**
 * Turns the {@code device} param ({@code auto}, {@code cpu} or {@code gpu}) into the device where a
 * step computes, on the machine that runs the step. The trainer core holds one, so it runs without
 * Spark ({@link #PLAIN}) and the Spark adapters give it one that reads what Spark assigned the
 * task. Both decide in one place, {@link #decide}: the param's {@code auto} stands for the executor
 * plugin's {@code spark.sparkgrad.device} where the plugin runs, and the setting then chosen is
 * decided by the plugin's own rule, {@link DeviceChoice#forTask}.
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
          usable(decide(choice, null, List.of(), List.of(), true, Backends::isAvailable).device());

  /**
   * The device for {@code choice} here.
   *
   * @throws IllegalArgumentException for an unknown name, or {@code gpu} without a usable GPU
   */
  Device resolve(String choice);

  /**
   * The device for the {@code device} param {@code choice}, given what Spark assigned: the one
   * decision every caller makes. {@code auto} means {@code cluster} (the executor plugin's {@code
   * spark.sparkgrad.device}) where the plugin runs, so a task computes where its executor's setting
   * says; the setting is then decided by {@link DeviceChoice#forTask} (its table: {@code auto} is a
   * GPU Spark assigned where {@code cudaUsable} accepts it, else the CPU).
   *
   * @param cluster the plugin's setting, or null where no plugin runs in this JVM
   * @param taskGpus the GPU addresses Spark gave the task, possibly none
   * @param executorGpus the GPU addresses of the executor (the driver's in local mode)
   * @param localMode whether the executor runs inside the driver
   * @throws IllegalArgumentException for an unknown name, or {@code gpu} without an assigned GPU on
   *     a cluster, saying what to set
   */
  @SuppressWarnings("TooManyParameters") // the param and what Spark assigned, as DeviceChoice takes
  static DeviceChoice decide(
      String choice,
      DeviceSetting cluster,
      List<String> taskGpus,
      List<String> executorGpus,
      boolean localMode,
      Predicate<Device> cudaUsable) {
    DeviceSetting param = setting(choice);
    DeviceSetting effective = param == DeviceSetting.AUTO && cluster != null ? cluster : param;
    try {
      return DeviceChoice.forTask(effective, taskGpus, executorGpus, localMode, cudaUsable);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(
          "device is 'gpu' but no GPU can be used here: " + e.getMessage(), e);
    }
  }

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
