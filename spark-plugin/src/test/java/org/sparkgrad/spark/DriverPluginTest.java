package org.sparkgrad.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

class DriverPluginTest {
  private static final ClassLoader LOADER = DriverPluginTest.class.getClassLoader();
  private static final Map<String, ResourceInformation> NO_RESOURCES = Map.of();

  private static Map<String, String> conf(String... kv) {
    Map<String, String> m = new HashMap<>();
    m.put("spark.master", "spark://master:7077");
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void gpuOnAClusterWithoutGpuResourcesFailsNamingBothSettings() {
    assertThatThrownBy(
            () ->
                SparkgradDriverPlugin.settingsForExecutors(
                    conf("spark.sparkgrad.device", "gpu"), false, NO_RESOURCES, LOADER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Sparkgrad cannot start: ")
        .hasMessageContaining("spark.executor.resource.gpu.amount is not set: set it to 1")
        .hasMessageContaining("spark.task.resource.gpu.amount, which is not set")
        .hasMessageContaining("spark.sparkgrad.device=auto");
  }

  @Test
  void gpuOnAClusterChecksEachAmount() {
    assertThat(
            DriverChecks.problems(
                conf("spark.executor.resource.gpu.amount", "1"),
                SparkgradConf.from(conf("spark.sparkgrad.device", "gpu")),
                false))
        .singleElement()
        .asString()
        .contains("spark.task.resource.gpu.amount, which is not set");
    assertThat(
            DriverChecks.problems(
                conf(
                    "spark.executor.resource.gpu.amount", "0",
                    "spark.task.resource.gpu.amount", "0.25"),
                SparkgradConf.from(conf("spark.sparkgrad.device", "gpu")),
                false))
        .singleElement()
        .asString()
        .contains("spark.executor.resource.gpu.amount is 0");
    Map<String, String> ok =
        conf(
            "spark.sparkgrad.device", "gpu",
            "spark.executor.resource.gpu.amount", "1",
            "spark.task.resource.gpu.amount", "0.25");
    assertThat(DriverChecks.problems(ok, SparkgradConf.from(ok), false)).isEmpty();
  }

  @Test
  void gpuInLocalModeAndAutoOrCpuAnywhereNeedNoGpuResources() {
    for (String device : new String[] {"auto", "cpu"}) {
      Map<String, String> c = conf("spark.sparkgrad.device", device);
      assertThat(DriverChecks.problems(c, SparkgradConf.from(c), false)).as(device).isEmpty();
    }
    Map<String, String> gpu = conf("spark.sparkgrad.device", "gpu");
    assertThat(DriverChecks.problems(gpu, SparkgradConf.from(gpu), true)).isEmpty();
  }

  @Test
  void anUnknownDeviceFailsListingTheValues() {
    assertThatThrownBy(
            () ->
                SparkgradDriverPlugin.settingsForExecutors(
                    conf("spark.sparkgrad.device", "cuda:1"), true, NO_RESOURCES, LOADER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "spark.sparkgrad.device: expected one of auto, cpu, gpu, got 'cuda:1'");
  }

  @Test
  void executorsGetTheValidatedSettingsAndInLocalModeTheDriverGpus() {
    Map<String, ResourceInformation> gpus =
        Map.of("gpu", new ResourceInformation("gpu", new String[] {"0", "1"}));
    Map<String, String> local =
        SparkgradDriverPlugin.settingsForExecutors(
            conf("spark.sparkgrad.device", "GPU", "spark.sparkgrad.blas.threads", "2"),
            true,
            gpus,
            LOADER);
    assertThat(local)
        .containsEntry("spark.sparkgrad.device", "gpu")
        .containsEntry("spark.sparkgrad.blas.threads", "2")
        .containsEntry("spark.sparkgrad.metrics.enabled", "true")
        .containsEntry("spark.sparkgrad.internal.localMode", "true")
        .containsEntry("spark.sparkgrad.internal.driverGpuAddresses", "0,1")
        .doesNotContainKey("spark.master");

    Map<String, String> cluster =
        SparkgradDriverPlugin.settingsForExecutors(conf(), false, gpus, LOADER);
    assertThat(cluster)
        .containsEntry("spark.sparkgrad.device", "auto")
        .containsEntry("spark.sparkgrad.internal.localMode", "false")
        .containsEntry("spark.sparkgrad.internal.driverGpuAddresses", "");
  }
}
