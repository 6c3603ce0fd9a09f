package org.sparkgrad.ml.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.ml.train.DeviceResolver;
import org.sparkgrad.spark.DeviceSetting;
import org.sparkgrad.spark.SparkgradExecutorState;
import org.sparkgrad.tensor.Device;

/**
 * The {@code device} param: outside a Spark task and without the plugin (the rules of {@code
 * DeviceChoice} with no GPU assigned, in local mode), and through the estimators' entry point with
 * simulated GPU addresses and CUDA, where {@code auto} must decide as the plugin does.
 */
class DevicesTest {
  @Test
  void theParamsNamesAreTheSettings() {
    assertThat(DeviceResolver.setting("auto")).isEqualTo(DeviceSetting.AUTO);
    assertThat(DeviceResolver.setting("cpu")).isEqualTo(DeviceSetting.CPU);
    assertThat(DeviceResolver.setting("gpu")).isEqualTo(DeviceSetting.GPU);
    assertThatThrownBy(() -> Devices.resolve("GPU"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("device must be one of [auto, cpu, gpu], got 'GPU'");
  }

  @Test
  void cpuAndAutoWithoutAnAssignedGpuAreTheCpu() {
    assumeFalse(SparkgradExecutorState.current().isPresent(), "the plugin runs in this JVM");
    assertThat(Devices.resolve("cpu")).isEqualTo(Device.CPU);
    // As the plugin decides: auto uses a GPU only where Spark assigned one, even if CUDA runs.
    assertThat(Devices.resolve("auto")).isEqualTo(Device.CPU);
  }

  @Test
  void gpuInLocalModeIsDeviceZeroOrSaysWhyItCannotBeUsed() {
    assumeFalse(SparkgradExecutorState.current().isPresent(), "the plugin runs in this JVM");
    if (Backends.isAvailable(Device.cuda(0))) {
      assertThat(Devices.resolve("gpu")).isEqualTo(Device.cuda(0));
      return;
    }
    assertThatThrownBy(() -> Devices.resolve("gpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("device is 'gpu' but no GPU can be used here: ")
        .hasMessageEndingWith("set device to 'auto' or 'cpu' to run on the CPU");
  }

  /** A simulated CUDA that runs on every device. */
  private static boolean cudaRuns(Device d) {
    return true;
  }

  /** A simulated machine where CUDA runs on no device. */
  private static boolean noCuda(Device d) {
    return false;
  }

  @Test
  void autoIsTheGpuSparkAssignedTheTaskWhereCudaRuns() {
    assertThat(
            Devices.resolve("auto", null, List.of("1"), List.of("0"), false, DevicesTest::cudaRuns))
        .isEqualTo(Device.cuda(1));
    // Without a task GPU, the executor's (in local mode, the driver's) first one.
    assertThat(
            Devices.resolve(
                "auto", null, List.of(), List.of("2", "3"), true, DevicesTest::cudaRuns))
        .isEqualTo(Device.cuda(2));
  }

  @Test
  void autoIsTheCpuWithoutAnAssignedGpuOrWhereCudaDoesNotRun() {
    assertThat(Devices.resolve("auto", null, List.of(), List.of(), false, DevicesTest::cudaRuns))
        .isEqualTo(Device.CPU);
    assertThat(Devices.resolve("auto", null, List.of("1"), List.of(), false, DevicesTest::noCuda))
        .isEqualTo(Device.CPU);
  }

  @Test
  void autoFollowsThePluginsSettingWhereThePluginRuns() {
    assertThat(
            Devices.resolve(
                "auto",
                DeviceSetting.CPU,
                List.of("1"),
                List.of("1"),
                false,
                DevicesTest::cudaRuns))
        .isEqualTo(Device.CPU);
    assertThat(
            Devices.resolve(
                "auto", DeviceSetting.AUTO, List.of(), List.of("4"), false, DevicesTest::cudaRuns))
        .isEqualTo(Device.cuda(4));
    // The plugin's gpu makes auto a GPU even where the probe says no: the fit's check then fails.
    assertThat(
            Devices.resolve(
                "auto", DeviceSetting.GPU, List.of("1"), List.of(), false, DevicesTest::noCuda))
        .isEqualTo(Device.cuda(1));
    // An explicit param is not overridden by the plugin's setting.
    assertThat(
            Devices.resolve(
                "cpu", DeviceSetting.GPU, List.of("1"), List.of(), false, DevicesTest::cudaRuns))
        .isEqualTo(Device.CPU);
  }

  @Test
  void gpuOnAClusterExecutorWithoutAGpuSaysWhatToSet() {
    assertThatThrownBy(
            () -> Devices.resolve("gpu", null, List.of(), List.of(), false, DevicesTest::cudaRuns))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "device is 'gpu' but no GPU can be used here: spark.sparkgrad.device=gpu, but Spark"
                + " assigned no GPU to this executor: set spark.executor.resource.gpu.amount=1");
  }
}
