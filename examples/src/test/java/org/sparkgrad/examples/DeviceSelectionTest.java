package org.sparkgrad.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Tensor;

class DeviceSelectionTest {
  @Test
  void printsTheDeviceItChoseAndRunsThere() {
    Capture c = new Capture();
    Tensor y = DeviceSelection.run(c.out);
    Device expected = Backends.isAvailable(Device.cuda(0)) ? Device.cuda(0) : Device.CPU;
    assertThat(c.text())
        .contains("using device: " + expected + "\n")
        .contains("output on " + expected + ", shape [8, 3]");
    assertThat(y.shape()).containsExactly(8, 3);
    assertThat(y.toFloatArray()).doesNotContain(Float.NaN);
  }

  @Test
  void choosesTheCpuWithoutAGpuBackend() {
    List<Device> asked = new ArrayList<>();
    Device chosen =
        DeviceSelection.choose(
            d -> {
              asked.add(d);
              return false;
            });
    assertThat(chosen).isEqualTo(Device.CPU);
    assertThat(asked).containsExactly(Device.cuda(0));

    Capture c = new Capture();
    Tensor y = DeviceSelection.run(c.out, chosen);
    assertThat(c.text()).startsWith("using device: cpu\n").contains("output on cpu, shape [8, 3]");
    assertThat(y.shape()).containsExactly(8, 3);
  }

  @Test
  void choosesTheFirstGpuWhenItsBackendStarts() {
    assertThat(DeviceSelection.choose(d -> true)).isEqualTo(Device.cuda(0));
    assertThat(DeviceSelection.choose(d -> d.equals(Device.cuda(0)))).isEqualTo(Device.cuda(0));
  }
}
