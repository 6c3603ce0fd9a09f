package org.sparkgrad.spark;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Stage-level scheduling of training: the stages that train take whole GPUs, one per task, through
 * a task {@link ResourceProfile}, while the rest of the job (reading, preparing, scoring) runs with
 * none, as XGBoost4J-Spark 2.1+ does on standalone clusters. Each training task then finds its own
 * GPU in {@code TaskContext.resources()} and trains its replica there ({@link
 * DeviceChoice#forTask}), so an executor with several GPUs trains a replica on each.
 *
 * <p>{@link #plan} is a pure function of the configuration, unit-tested without a cluster.
 *
 * @param requestsGpus whether the training stage gets its own profile
 * @param taskCpus the cores each training task takes, when it does
 * @param reason one line for the driver's log, saying what was decided and why
 */
public record GpuTrainingStage(boolean requestsGpus, int taskCpus, String reason) {
  private static final Logger LOG = LoggerFactory.getLogger(GpuTrainingStage.class);

  /** Validates the fields. */
  public GpuTrainingStage {
    Objects.requireNonNull(reason, "reason");
    if (requestsGpus && taskCpus < 1) {
      throw new IllegalArgumentException("task cpus must be >= 1, got " + taskCpus);
    }
  }

  /**
   * Decides whether the training stage requests one GPU per task.
   *
   * <p>It does when the estimator may train on a GPU ({@code device} is {@code gpu}, or {@code
   * auto} with {@code spark.sparkgrad.device} not {@code cpu}), the executors have GPUs ({@code
   * spark.executor.resource.gpu.amount} >= 1), the tasks of other stages do not already take whole
   * GPUs ({@code spark.task.resource.gpu.amount} unset or below 1), the master is a standalone
   * cluster ({@code spark://} or {@code local-cluster}: where Spark supports task resource profiles
   * without dynamic allocation, and where XGBoost uses them), and dynamic allocation is off. A task
   * then takes {@code max(spark.task.cpus, spark.executor.cores / GPUs)} cores and one GPU: one
   * training task per GPU.
   *
   * @param conf the application's Spark configuration
   * @param device the estimator's {@code device} param: {@code auto}, {@code cpu} or {@code gpu}
   * @throws IllegalArgumentException if a resource amount is not a number
   */
  public static GpuTrainingStage plan(Map<String, String> conf, String device) {
    String configured = conf.getOrDefault(SparkgradConf.DEVICE.key(), "auto");
    if ("cpu".equals(device) || ("auto".equals(device) && "cpu".equalsIgnoreCase(configured))) {
      return none("the fit trains on the CPU (device=" + device + ")");
    }
    double executorGpus = amount(conf, "spark.executor.resource.gpu.amount");
    if (executorGpus < 1) {
      return none("the executors have no GPUs (spark.executor.resource.gpu.amount is not set)");
    }
    double taskGpus = amount(conf, "spark.task.resource.gpu.amount");
    if (taskGpus >= 1) {
      return none("every task already takes a whole GPU (spark.task.resource.gpu.amount=1)");
    }
    String master = conf.getOrDefault("spark.master", "");
    if (!master.startsWith("spark://") && !master.startsWith("local-cluster")) {
      return none(
          "stage-level scheduling of GPUs needs a standalone cluster, the master is '"
              + master
              + "'; set spark.task.resource.gpu.amount=1 to give every task a GPU");
    }
    if (Boolean.parseBoolean(conf.getOrDefault("spark.dynamicAllocation.enabled", "false"))) {
      return none("task resource profiles need spark.dynamicAllocation.enabled=false");
    }
    int taskCpus = (int) amount(conf, "spark.task.cpus");
    int executorCores = (int) amount(conf, "spark.executor.cores");
    int cpus = Math.max(Math.max(1, taskCpus), executorCores / (int) executorGpus);
    return new GpuTrainingStage(
        true,
        cpus,
        "the training stage takes 1 GPU and "
            + cpus
            + " core"
            + (cpus == 1 ? "" : "s")
            + " per task (a replica per GPU; other stages take "
            + (taskGpus > 0 ? taskGpus + " GPU per task" : "no GPU")
            + ")");
  }

  /**
   * Gives {@code rdd} the training stage's resource profile where {@link #plan} says so, logging
   * the decision; returns {@code rdd}.
   */
  public static <T> JavaRDD<T> apply(JavaRDD<T> rdd, String device) {
    Map<String, String> conf = new HashMap<>();
    for (Tuple2<String, String> kv : rdd.context().getConf().getAll()) {
      conf.put(kv._1(), kv._2());
    }
    GpuTrainingStage stage = plan(conf, device);
    if (!stage.requestsGpus()) {
      LOG.debug("sparkgrad fit: no GPU profile for training: {}", stage.reason());
      return rdd;
    }
    ResourceProfile profile = stage.profile();
    LOG.info("sparkgrad fit: {} (resource profile {})", stage.reason(), profile.id());
    return rdd.withResources(profile);
  }

  /** The task resource profile of the training stage. */
  public ResourceProfile profile() {
    if (!requestsGpus) {
      throw new IllegalStateException("no GPU profile: " + reason);
    }
    TaskResourceRequests task = new TaskResourceRequests().cpus(taskCpus).resource("gpu", 1.0);
    return new ResourceProfileBuilder().require(task).build();
  }

  private static GpuTrainingStage none(String reason) {
    return new GpuTrainingStage(false, 0, reason);
  }

  private static double amount(Map<String, String> conf, String key) {
    String raw = conf.get(key);
    if (raw == null || raw.isBlank()) {
      return 0;
    }
    try {
      return Double.parseDouble(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + raw + "'", e);
    }
  }
}
