package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.spark.DeviceSetting;
import org.sparkgrad.tensor.Device;

/** The trainer core's device resolution without Spark: the plugin's rule with no GPU assigned. */
class DeviceResolverTest {
  @Test
  void cpuAndAutoWithoutAnAssignedGpuAreTheCpu() {
    assertThat(DeviceResolver.PLAIN.resolve("cpu")).isEqualTo(Device.CPU);
    assertThat(DeviceResolver.PLAIN.resolve("auto")).isEqualTo(Device.CPU);
  }

  @Test
  void gpuIsCuda0WhereCudaRunsElseAnErrorSayingWhatToSet() {
    if (Backends.isAvailable(Device.cuda(0))) {
      assertThat(DeviceResolver.PLAIN.resolve("gpu")).isEqualTo(Device.cuda(0));
    } else {
      assertThatThrownBy(() -> DeviceResolver.PLAIN.resolve("gpu"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("device is 'gpu' but no GPU can be used here: ")
          .hasMessageEndingWith("; set device to 'auto' or 'cpu' to run on the CPU");
    }
  }

  @Test
  void theParamsNamesAreTheSettingsAndOthersFailNamingTheParam() {
    assertThat(DeviceResolver.setting("auto")).isEqualTo(DeviceSetting.AUTO);
    assertThat(DeviceResolver.setting("gpu")).isEqualTo(DeviceSetting.GPU);
    assertThatThrownBy(() -> DeviceResolver.PLAIN.resolve("cuda"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("device must be one of [auto, cpu, gpu], got 'cuda'");
  }
}
