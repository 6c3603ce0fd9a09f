package org.sparkgrad.ml.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.ml.train.DeviceResolver;
import org.sparkgrad.spark.DeviceSetting;
import org.sparkgrad.spark.SparkgradExecutorState;
import org.sparkgrad.tensor.Device;

/**
 * The {@code device} param outside a Spark task and without the plugin: the rules of {@code
 * DeviceChoice} (tested there on simulated addresses) with no GPU assigned, in local mode.
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
}
