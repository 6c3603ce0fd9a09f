package org.sparkgrad.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The start-up checks of the driver plugin, as a pure function of the Spark configuration, so that
 * a misconfigured application fails in seconds on the driver with a message that says what to set,
 * instead of on every executor or in the middle of a fit.
 */
final class DriverChecks {
  static final String EXECUTOR_GPU_AMOUNT = "spark.executor.resource.gpu.amount";
  static final String TASK_GPU_AMOUNT = "spark.task.resource.gpu.amount";

  private DriverChecks() {}

  /**
   * The problems with {@code sparkConf}, each an actionable sentence; empty when it is usable.
   *
   * @param sparkConf every Spark setting of the application
   * @param isLocalMode whether executors run inside the driver; there Spark's executor resources do
   *     not apply and {@code device=gpu} uses the driver's GPUs or {@code cuda:0}
   */
  static List<String> problems(
      Map<String, String> sparkConf, SparkgradConf conf, boolean isLocalMode) {
    List<String> problems = new ArrayList<>();
    if (conf.device() != DeviceSetting.GPU || isLocalMode) {
      return problems;
    }
    String executorAmount = sparkConf.get(EXECUTOR_GPU_AMOUNT);
    if (!isPositive(executorAmount)) {
      problems.add(
          "spark.sparkgrad.device=gpu needs a GPU for each executor, but "
              + EXECUTOR_GPU_AMOUNT
              + (executorAmount == null ? " is not set" : " is " + executorAmount)
              + ": set it to 1 (and spark.executor.resource.gpu.discoveryScript="
              + "conf/gpu-discovery.sh where the cluster manager does not discover GPUs), or set "
              + "spark.sparkgrad.device=auto to use a GPU only where one is assigned");
    }
    String taskAmount = sparkConf.get(TASK_GPU_AMOUNT);
    if (!isPositive(taskAmount)) {
      problems.add(
          "spark.sparkgrad.device=gpu needs "
              + TASK_GPU_AMOUNT
              + (taskAmount == null ? ", which is not set" : " > 0, got " + taskAmount)
              + ": set it to 1 for one task per GPU, or a fraction such as 0.25 to let 4 tasks "
              + "share it, so that Spark schedules tasks by GPU");
    }
    return problems;
  }

  private static boolean isPositive(String amount) {
    if (amount == null) {
      return false;
    }
    try {
      return Double.parseDouble(amount.trim()) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
