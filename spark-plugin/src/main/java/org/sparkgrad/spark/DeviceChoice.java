package org.sparkgrad.spark;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.sparkgrad.tensor.Device;

/**
 * The device an executor computes on, and why. {@link #choose} is a pure function of the
 * configuration and of what Spark assigned, so every case is unit-tested without a GPU.
 *
 * @param device the chosen device
 * @param reason one line for the executor's log, saying why this device was chosen
 */
public record DeviceChoice(Device device, String reason) {

  /** Validates the fields. */
  public DeviceChoice {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * Chooses the executor's device.
   *
   * <table>
   *   <caption>The rules</caption>
   *   <tr><th>setting</th><th>GPU addresses</th><th>result</th></tr>
   *   <tr><td>cpu</td><td>any</td><td>the CPU</td></tr>
   *   <tr><td>auto</td><td>none</td><td>the CPU</td></tr>
   *   <tr><td>auto</td><td>a, ...</td><td>{@code cuda:a} if {@code cudaUsable} accepts it,
   *       else the CPU</td></tr>
   *   <tr><td>gpu</td><td>a, ...</td><td>{@code cuda:a}</td></tr>
   *   <tr><td>gpu</td><td>none, local mode</td><td>{@code cuda:0}</td></tr>
   *   <tr><td>gpu</td><td>none, cluster</td><td>fails: Spark gave this executor no GPU</td></tr>
   * </table>
   *
   * <p>With several addresses the first one is used, and the reason says how to use them all: tasks
   * that each get their own GPU ({@link #forTask}) train a replica per GPU. Spark's addresses are
   * CUDA device ordinals, as {@code conf/gpu-discovery.sh} prints them.
   *
   * @param configured {@code spark.sparkgrad.device}
   * @param gpuAddresses the {@code gpu} addresses Spark assigned to this executor (in local mode,
   *     the driver's), in Spark's order
   * @param isLocalMode whether the executor runs inside the driver ({@code local[*]})
   * @param cudaUsable whether CUDA can run on a given device here; consulted only for {@code auto},
   *     at most once, and only with the device that would be chosen
   * @throws IllegalArgumentException if an address is not a CUDA device ordinal
   * @throws IllegalStateException for {@code gpu} on a cluster executor without a GPU
   */
  public static DeviceChoice choose(
      DeviceSetting configured,
      List<String> gpuAddresses,
      boolean isLocalMode,
      Predicate<Device> cudaUsable) {
    String assigned =
        gpuAddresses.isEmpty()
            ? "Spark assigned no GPU"
            : "Spark assigned GPU" + (gpuAddresses.size() == 1 ? " " : "s ") + gpuAddresses;
    String advice =
        isLocalMode
            ? "local mode has a single executor, so run on a cluster with one executor per GPU"
            : "set spark.task.resource.gpu.amount=1 (a task, and so a replica, per GPU) or run"
                + " one executor per GPU";
    return decide(configured, gpuAddresses, assigned, isLocalMode, cudaUsable, advice);
  }

  /**
   * Chooses the device of one task, by the rules of {@link #choose}: among the GPU addresses Spark
   * gave the task itself ({@code TaskContext.resources()}: a stage that requests GPUs per task,
   * through {@code spark.task.resource.gpu.amount} or a {@code ResourceProfile}) when it gave some,
   * else among the executor's. So on an executor with several GPUs and one GPU per task, each task
   * trains its replica on its own GPU.
   *
   * @param taskAddresses the {@code gpu} addresses of the task, possibly none
   * @param executorAddresses the {@code gpu} addresses of the executor (in local mode, the
   *     driver's), used when the task has none
   * @throws IllegalArgumentException if an address is not a CUDA device ordinal
   * @throws IllegalStateException for {@code gpu} on a cluster executor without a GPU
   */
  public static DeviceChoice forTask(
      DeviceSetting configured,
      List<String> taskAddresses,
      List<String> executorAddresses,
      boolean isLocalMode,
      Predicate<Device> cudaUsable) {
    if (taskAddresses.isEmpty()) {
      return choose(configured, executorAddresses, isLocalMode, cudaUsable);
    }
    String assigned =
        "Spark assigned this task GPU" + (taskAddresses.size() == 1 ? " " : "s ") + taskAddresses;
    String advice = "request one GPU per task (spark.task.resource.gpu.amount=1)";
    return decide(configured, taskAddresses, assigned, isLocalMode, cudaUsable, advice);
  }

  @SuppressWarnings("TooManyParameters") // the rule's inputs and the two texts of its reason
  private static DeviceChoice decide(
      DeviceSetting configured,
      List<String> gpuAddresses,
      String assigned,
      boolean isLocalMode,
      Predicate<Device> cudaUsable,
      String advice) {
    String unused = unused(gpuAddresses, advice);
    return switch (configured) {
      case CPU -> new DeviceChoice(Device.CPU, "spark.sparkgrad.device=cpu (" + assigned + ")");
      case AUTO -> auto(gpuAddresses, assigned, unused, cudaUsable);
      case GPU -> gpu(gpuAddresses, assigned, unused, isLocalMode);
    };
  }

  private static DeviceChoice auto(
      List<String> gpuAddresses, String assigned, String unused, Predicate<Device> cudaUsable) {
    if (gpuAddresses.isEmpty()) {
      return new DeviceChoice(Device.CPU, "spark.sparkgrad.device=auto and " + assigned);
    }
    Device candidate = Device.cuda(ordinal(gpuAddresses.get(0)));
    if (!cudaUsable.test(candidate)) {
      return new DeviceChoice(
          Device.CPU,
          "spark.sparkgrad.device=auto and "
              + assigned
              + ", but CUDA cannot run on "
              + candidate
              + " here; using the CPU");
    }
    return new DeviceChoice(candidate, "spark.sparkgrad.device=auto and " + assigned + unused);
  }

  private static DeviceChoice gpu(
      List<String> gpuAddresses, String assigned, String unused, boolean local) {
    if (!gpuAddresses.isEmpty()) {
      return new DeviceChoice(
          Device.cuda(ordinal(gpuAddresses.get(0))),
          "spark.sparkgrad.device=gpu and " + assigned + unused);
    }
    if (local) {
      return new DeviceChoice(
          Device.cuda(0),
          "spark.sparkgrad.device=gpu in local mode and "
              + assigned
              + " (no spark.driver.resource.gpu.amount); using cuda:0");
    }
    throw new IllegalStateException(
        "spark.sparkgrad.device=gpu, but Spark assigned no GPU to this executor: set "
            + "spark.executor.resource.gpu.amount=1 and spark.task.resource.gpu.amount, "
            + "with spark.executor.resource.gpu.discoveryScript=conf/gpu-discovery.sh where "
            + "the cluster manager does not discover GPUs itself; or set "
            + "spark.sparkgrad.device=auto to train on the CPU when no GPU is assigned");
  }

  /** The CUDA ordinal that a Spark GPU address names. */
  static int ordinal(String address) {
    String a = address.trim();
    if (!a.isEmpty() && a.chars().allMatch(c -> c >= '0' && c <= '9') && a.length() <= 9) {
      return Integer.parseInt(a);
    }
    throw new IllegalArgumentException(
        "GPU address '"
            + address
            + "' from Spark is not a CUDA device ordinal; the GPU discovery script must print "
            + "ordinals such as \"0\", as conf/gpu-discovery.sh does with nvidia-smi "
            + "--query-gpu=index");
  }

  private static String unused(List<String> gpuAddresses, String advice) {
    if (gpuAddresses.size() <= 1) {
      return "";
    }
    return "; using only "
        + gpuAddresses.get(0)
        + " (one replica per task): "
        + advice
        + " to use them all";
  }
}
