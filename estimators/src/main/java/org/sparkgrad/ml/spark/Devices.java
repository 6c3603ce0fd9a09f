package org.sparkgrad.ml.spark;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * Resolves the {@code device} param where the computation runs, by the one set of rules the
 * executor plugin uses too ({@link DeviceChoice}): the {@link DeviceResolver} that fits hand their
 * steps, as {@code Devices::resolve}.
 */
public final class Devices {
  private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

  private Devices() {}

  /**
   * The device of the calling task: {@link DeviceChoice#forTask} over the GPUs Spark gave the task
   * ({@code TaskContext.resources()}), else those it gave the executor (known to the Sparkgrad
   * plugin; in local mode, the driver's). {@code cpu}: the CPU; {@code auto}: the plugin's {@code
   * spark.sparkgrad.device} where the plugin runs, else a GPU Spark assigned if CUDA runs on it,
   * else the CPU; {@code gpu}: the GPU Spark assigned (in local mode without one, {@code cuda:0}),
   * or an error saying why it cannot be used. So one executor with several GPUs trains a replica
   * per GPU when each task gets one.
   *
   * @throws IllegalArgumentException for {@code gpu} without a usable GPU, or an unknown name
   */
  public static Device resolve(String choice) {
    DeviceSetting param = DeviceResolver.setting(choice);
    if (param == DeviceSetting.CPU) {
      return Device.CPU;
    }
    Optional<SparkgradExecutorState> state = SparkgradExecutorState.current();
    TaskContext task = TaskContext.get();
    List<String> taskGpus = task == null ? List.of() : gpus(task.resourcesJMap().get("gpu"));
    DeviceChoice chosen;
    try {
      if (state.isPresent()) {
        SparkgradExecutorState s = state.get();
        DeviceSetting effective = param == DeviceSetting.AUTO ? s.configured() : param;
        chosen =
            DeviceChoice.forTask(
                effective, taskGpus, s.gpuAddresses(), s.localMode(), Backends::isAvailable);
      } else {
        chosen = DeviceChoice.forTask(param, taskGpus, List.of(), local(), Backends::isAvailable);
      }
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(
          "device is 'gpu' but no GPU can be used here: " + e.getMessage(), e);
    }
    DeviceResolver.usable(chosen.device());
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
