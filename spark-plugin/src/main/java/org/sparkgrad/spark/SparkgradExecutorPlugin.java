package org.sparkgrad.spark;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkgrad.backend.Backend;
import org.sparkgrad.backend.BackendUnavailableException;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.tensor.Device;

/**
 * The executor part of {@link SparkgradPlugin}: chooses the executor's device from the GPUs Spark
 * assigned ({@link DeviceChoice}), sets up its backend once, registers the executor's metrics, ends
 * the executor on a fatal device error ({@link FatalDeviceErrors}), and releases everything at
 * shutdown.
 */
final class SparkgradExecutorPlugin implements ExecutorPlugin {
  private static final Logger LOG = LoggerFactory.getLogger(SparkgradExecutorPlugin.class);

  private final Function<Device, Backend> backends;
  private final IntConsumer exit;
  private SparkgradConf conf;
  private SparkgradExecutorState state;
  private String cudaProblem = "";

  SparkgradExecutorPlugin() {
    this(Backends::of, System::exit);
  }

  /**
   * For tests: {@code backends} stands for {@link Backends#of} and {@code exit} for {@link
   * System#exit}.
   */
  SparkgradExecutorPlugin(Function<Device, Backend> backends, IntConsumer exit) {
    this.backends = backends;
    this.exit = exit;
  }

  @Override
  public void init(PluginContext ctx, Map<String, String> extraConf) {
    conf = SparkgradConf.from(extraConf);
    boolean local = conf.get(SparkgradConf.LOCAL_MODE);
    System.setProperty(
        "sparkgrad.blas", conf.get(SparkgradConf.BLAS).name().toLowerCase(Locale.ROOT));
    System.setProperty(
        "sparkgrad.blas.threads", String.valueOf(conf.get(SparkgradConf.BLAS_THREADS)));
    List<String> addresses = gpuAddresses(ctx.resources(), conf);
    DeviceChoice choice = DeviceChoice.choose(conf.device(), addresses, local, this::cudaUsable);
    if (!cudaProblem.isEmpty()) {
      LOG.warn("executor {}: {} ({})", ctx.executorID(), choice.reason(), cudaProblem);
    }
    Backend backend = openBackend(choice);
    SparkgradExecutorState s =
        new SparkgradExecutorState(
            ctx.executorID(), choice, backend, addresses, conf.device(), local);
    if (conf.get(SparkgradConf.METRICS_ENABLED)) {
      s.registerMetrics(ctx.metricRegistry());
    }
    SparkgradExecutorState.install(s);
    state = s;
    LOG.info(
        "executor {} computes on {}: {}", ctx.executorID(), backend.description(), choice.reason());
  }

  /** The executor's GPUs: its own, or in local mode (where Spark gives it none) the driver's. */
  static List<String> gpuAddresses(Map<String, ResourceInformation> resources, SparkgradConf conf) {
    ResourceInformation gpus = resources.get("gpu");
    if (gpus != null && gpus.addresses().length > 0) {
      return List.of(gpus.addresses());
    }
    return conf.get(SparkgradConf.LOCAL_MODE)
        ? conf.get(SparkgradConf.DRIVER_GPU_ADDRESSES)
        : List.of();
  }

  private boolean cudaUsable(Device device) {
    try {
      return backends.apply(device).device().equals(device);
    } catch (BackendUnavailableException e) {
      cudaProblem = e.getMessage();
      return false;
    }
  }

  private Backend openBackend(DeviceChoice choice) {
    try {
      return backends.apply(choice.device());
    } catch (BackendUnavailableException e) {
      throw new BackendUnavailableException(
          "Sparkgrad cannot use "
              + choice.device()
              + " ("
              + choice.reason()
              + "): "
              + e.getMessage()
              + ". Put the CUDA backend and a working NVIDIA driver on this executor, or set "
              + "spark.sparkgrad.device=auto to fall back to the CPU",
          e);
    }
  }

  /** Ends the executor on a fatal device error; see {@link FatalDeviceErrors}. */
  @Override
  public void onTaskFailed(TaskFailedReason reason) {
    if (conf == null || !(reason instanceof ExceptionFailure failure)) {
      return;
    }
    String text =
        failure.className() + ": " + failure.description() + "\n" + failure.fullStackTrace();
    FatalDeviceErrors.Action action =
        FatalDeviceErrors.decide(
            text,
            conf.get(SparkgradConf.LOCAL_MODE),
            conf.get(SparkgradConf.EXIT_ON_FATAL_DEVICE_ERROR));
    if (action == FatalDeviceErrors.Action.IGNORE) {
      return;
    }
    String error = FatalDeviceErrors.fatalError(text).orElseThrow();
    if (action == FatalDeviceErrors.Action.LOG) {
      LOG.error("a task failed with {}; the GPU context of this JVM is unusable now", error);
      return;
    }
    LOG.error(
        "a task failed with {}, which leaves the GPU context unusable; ending this executor "
            + "(exit code {}) so that Spark replaces it",
        error,
        FatalDeviceErrors.EXIT_CODE);
    exit.accept(FatalDeviceErrors.EXIT_CODE);
  }

  /**
   * Unregisters the metrics and the executor's state. The engine caches one backend per device for
   * the life of the JVM, which ends right after this on a cluster executor.
   */
  @Override
  public void shutdown() {
    if (state != null) {
      LOG.info(
          "executor {} shutting down after {} steps, {} samples",
          state.executorId(),
          state.steps(),
          state.samples());
      state.close();
      state = null;
    }
  }

  /** The state this plugin installed, for tests. */
  SparkgradExecutorState state() {
    return state;
  }
}
