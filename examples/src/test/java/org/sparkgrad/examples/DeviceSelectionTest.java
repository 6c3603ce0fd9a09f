package org.sparkgrad.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.BackendProvider;
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
    boolean noGpuBackend = !ServiceLoader.load(BackendProvider.class).iterator().hasNext();
    if (noGpuBackend) {
      Capture c = new Capture();
      DeviceSelection.run(c.out);
      assertThat(DeviceSelection.choose()).isEqualTo(Device.CPU);
      assertThat(c.text()).startsWith("using device: cpu\n");
    }
  }
}
