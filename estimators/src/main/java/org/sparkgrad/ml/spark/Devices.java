package org.sparkgrad.ml.spark;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.ml.train.DeviceResolver;
import org.sparkgrad.spark.DeviceChoice;
import org.sparkgrad.spark.DeviceSetting;
import org.sparkgrad.spark.SparkgradExecutorState;
import org.sparkgrad.tensor.Device;

/**
 * Resolves the {@code device} param where the computation runs: gathers what Spark assigned the
 * calling task and its executor, and hands them to the one decision, {@link DeviceResolver#decide}
 * (the plugin's {@link DeviceChoice} rule), which the fits use as {@code Devices::resolve}.
 */
public final class Devices {
  private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

  private Devices() {}

  /**
   * The device of the calling task, by {@link DeviceResolver#decide} over the GPUs Spark gave the
   * task ({@code TaskContext.resources()}), else those it gave the executor (known to the Sparkgrad
   * plugin; in local mode, the driver's). {@code cpu}: the CPU; {@code auto}: the plugin's {@code
   * spark.sparkgrad.device} where the plugin runs, and then (or without the plugin) a GPU Spark
   * assigned if CUDA runs on it, else the CPU; {@code gpu}: the GPU Spark assigned (in local mode
   * without one, {@code cuda:0}), or an error saying why it cannot be used. So one executor with
   * several GPUs trains a replica per GPU when each task gets one.
   *
   * @throws IllegalArgumentException for {@code gpu} without a usable GPU, or an unknown name
   */
  public static Device resolve(String choice) {
    if (DeviceResolver.setting(choice) == DeviceSetting.CPU) {
      return Device.CPU;
    }
    Optional<SparkgradExecutorState> state = SparkgradExecutorState.current();
    TaskContext task = TaskContext.get();
    List<String> taskGpus = task == null ? List.of() : gpus(task.resourcesJMap().get("gpu"));
    Device chosen =
        state.isPresent()
            ? resolve(
                choice,
                state.get().configured(),
                taskGpus,
                state.get().gpuAddresses(),
                state.get().localMode(),
                Backends::isAvailable)
            : resolve(choice, null, taskGpus, List.of(), local(), Backends::isAvailable);
    return DeviceResolver.usable(chosen);
  }

  /**
   * The device for {@code choice} given what Spark assigned ({@link DeviceResolver#decide}), its
   * reason logged once: what {@link #resolve(String)} does once it has read Spark's assignments;
   * tests call it with simulated GPU addresses and CUDA.
   */
  @SuppressWarnings("TooManyParameters") // what DeviceResolver.decide takes
  static Device resolve(
      String choice,
      DeviceSetting cluster,
      List<String> taskGpus,
      List<String> executorGpus,
      boolean localMode,
      Predicate<Device> cudaUsable) {
    DeviceChoice chosen =
        DeviceResolver.decide(choice, cluster, taskGpus, executorGpus, localMode, cudaUsable);
    if (LOGGED.add(chosen.reason())) {
      LOG.info("sparkgrad task device: {} ({})", chosen.device(), chosen.reason());
    }
    return chosen.device();
  }

  private static List<String> gpus(ResourceInformation info) {
    return info == null ? List.of() : List.of(info.addresses());
  }

  /** Whether this JVM is the driver of a local-mode application (or runs no Spark at all). */
  private static boolean local() {
    SparkEnv env = SparkEnv.get();
    return env == null || "driver".equals(env.executorId());
  }
}
