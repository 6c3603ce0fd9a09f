package org.sparkgrad.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.scheduler.AccumulableInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.Backend;
import org.sparkgrad.backend.BackendUnavailableException;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.tensor.Device;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The executor plugin as on a cluster executor, with Spark's context and the backends faked. Runs
 * before the shared SparkContext starts, since both install this JVM's executor state.
 */
@Order(2)
class ExecutorPluginTest {
  private final List<Integer> exits = new ArrayList<>();
  private final List<Device> opened = new ArrayList<>();
  private SparkgradExecutorPlugin plugin;

  /** Backends where CUDA runs on every device. */
  private Backend withCuda(Device d) {
    opened.add(d);
    return d.isCuda() ? FakePluginContext.fakeBackend(d) : Backends.cpu();
  }

  private static Map<String, String> settings(String... kv) {
    Map<String, String> m = new HashMap<>();
    m.put("spark.executor.resource.gpu.amount", "1");
    m.put("spark.task.resource.gpu.amount", "1");
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return SparkgradDriverPlugin.settingsForExecutors(
        m, false, Map.of(), ExecutorPluginTest.class.getClassLoader());
  }

  @BeforeAll
  static void noSharedContext() {
    SharedSpark.stop();
  }

  @AfterEach
  void shutDown() {
    if (plugin != null) {
      plugin.shutdown();
    }
    assertThat(SparkgradExecutorState.current()).isEmpty();
  }

  @Test
  void autoBindsTheExecutorToItsAssignedGpu() {
    plugin = new SparkgradExecutorPlugin(this::withCuda, exits::add);
    FakePluginContext ctx = new FakePluginContext("3");
    plugin.init(ctx, settings());
    SparkgradExecutorState state = SparkgradExecutorState.current().orElseThrow();
    assertThat(state.device()).isEqualTo(Device.cuda(3));
    assertThat(SparkgradExecutorState.deviceOrCpu()).isEqualTo(Device.cuda(3));
    assertThat(state.backend().description()).isEqualTo("fake cuda:3");
    assertThat(state.gpuAddresses()).containsExactly("3");
    assertThat(state.executorId()).isEqualTo("7");
    assertThat(opened).containsExactly(Device.cuda(3), Device.cuda(3));
  }

  @Test
  void severalAssignedGpusUseTheFirst() {
    plugin = new SparkgradExecutorPlugin(this::withCuda, exits::add);
    plugin.init(new FakePluginContext("1", "0"), settings("spark.sparkgrad.device", "gpu"));
    assertThat(plugin.state().device()).isEqualTo(Device.cuda(1));
    assertThat(plugin.state().deviceReason()).contains("using only 1");
  }

  @Test
  void autoWithoutCudaUsesTheCpu() {
    plugin = new SparkgradExecutorPlugin(Backends::of, exits::add);
    plugin.init(new FakePluginContext("0"), settings());
    assertThat(plugin.state().device()).isEqualTo(Device.CPU);
    assertThat(plugin.state().deviceReason()).contains("CUDA cannot run on cuda:0");
  }

  @Test
  void gpuWithoutACudaBackendFailsSayingWhatIsMissing() {
    plugin = new SparkgradExecutorPlugin(Backends::of, exits::add);
    assertThatThrownBy(
            () ->
                plugin.init(new FakePluginContext("2"), settings("spark.sparkgrad.device", "gpu")))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("Sparkgrad cannot use cuda:2")
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .containsAnyOf(
                        "no backend for cuda:2 on the class path", "libcuda.so.1 was not found"))
        .hasMessageContaining("spark.sparkgrad.device=auto");
    assertThat(SparkgradExecutorState.current()).isEmpty();
  }

  @Test
  void gpuOnAnExecutorWithoutGpusFails() {
    plugin = new SparkgradExecutorPlugin(this::withCuda, exits::add);
    assertThatThrownBy(
            () -> plugin.init(new FakePluginContext(), settings("spark.sparkgrad.device", "gpu")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Spark assigned no GPU to this executor");
  }

  @Test
  void metricsAreRegisteredUpdatedAndRemovedAtShutdown() {
    plugin = new SparkgradExecutorPlugin(this::withCuda, exits::add);
    FakePluginContext ctx = new FakePluginContext("2");
    plugin.init(ctx, settings());
    SparkgradExecutorState state = plugin.state();
    state.recordStep(64);
    state.recordStep(36);
    state.recordDeviceMemory(1 << 20);
    var registry = ctx.metricRegistry();
    assertThat(registry.getCounters().get("steps").getCount()).isEqualTo(2);
    assertThat(registry.getCounters().get("samples").getCount()).isEqualTo(100);
    assertThat(registry.getGauges().get("deviceMemoryBytes").getValue()).isEqualTo(1L << 20);
    assertThat(registry.getGauges().get("deviceOrdinal").getValue()).isEqualTo(2);
    assertThatThrownBy(() -> state.recordStep(-1)).hasMessageContaining("got -1");

    plugin.shutdown();
    plugin = null;
    assertThat(registry.getMetrics()).isEmpty();
    assertThat(SparkgradExecutorState.current()).isEmpty();
    assertThat(SparkgradExecutorState.deviceOrCpu()).isEqualTo(Device.CPU);
  }

  @Test
  void metricsCanBeTurnedOff() {
    plugin = new SparkgradExecutorPlugin(this::withCuda, exits::add);
    FakePluginContext ctx = new FakePluginContext();
    plugin.init(ctx, settings("spark.sparkgrad.metrics.enabled", "false"));
    plugin.state().recordStep(5);
    assertThat(ctx.metricRegistry().getMetrics()).isEmpty();
    assertThat(plugin.state().samples()).isEqualTo(5);
  }

  @Test
  void blasSettingsReachTheEngine() {
    plugin = new SparkgradExecutorPlugin(this::withCuda, exits::add);
    plugin.init(new FakePluginContext(), settings("spark.sparkgrad.blas.threads", "3"));
    assertThat(System.getProperty("sparkgrad.blas.threads")).isEqualTo("3");
    assertThat(System.getProperty("sparkgrad.blas")).isEqualTo("openblas");
    System.setProperty("sparkgrad.blas.threads", "1");
  }

  @Test
  void aFatalCudaErrorEndsTheExecutorAndOthersDoNot() {
    plugin = new SparkgradExecutorPlugin(this::withCuda, exits::add);
    plugin.init(new FakePluginContext("0"), settings());
    plugin.onTaskFailed(failure(new RuntimeException("CUDA_ERROR_OUT_OF_MEMORY")));
    plugin.onTaskFailed(org.apache.spark.Resubmitted$.MODULE$);
    assertThat(exits).isEmpty();
    plugin.onTaskFailed(
        failure(
            new IllegalStateException(
                "step 3 failed", new RuntimeException("CUDA_ERROR_ILLEGAL_ADDRESS"))));
    assertThat(exits).containsExactly(FatalDeviceErrors.EXIT_CODE);
  }

  @Test
  void theExitCanBeTurnedOff() {
    plugin = new SparkgradExecutorPlugin(this::withCuda, exits::add);
    plugin.init(
        new FakePluginContext("0"),
        settings("spark.sparkgrad.fatalDeviceError.exitExecutor", "false"));
    plugin.onTaskFailed(failure(new RuntimeException("CUDA_ERROR_LAUNCH_FAILED")));
    assertThat(exits).isEmpty();
  }

  private static ExceptionFailure failure(Throwable t) {
    return new ExceptionFailure(
        t, CollectionConverters.asScala(List.<AccumulableInfo>of()).toList());
  }
}
