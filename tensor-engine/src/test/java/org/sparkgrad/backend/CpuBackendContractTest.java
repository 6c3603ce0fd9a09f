package org.sparkgrad.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Device;

/** The backend contract on the CPU. */
class CpuBackendContractTest extends BackendContractTest {
  @Override
  protected Backend createBackend() {
    return Backends.cpu();
  }

  @Test
  void isTheCpuAndNamesItsBlas() {
    assertThat(backend.device()).isEqualTo(Device.CPU);
    assertThat(Backends.of(Device.CPU)).isSameAs(backend);
    assertThat(backend.description()).startsWith("cpu (BLAS: ");
  }

  /**
   * A CUDA device no machine has: without a driver the message says the driver is missing, on a GPU
   * machine that the index is out of range; either way it names the device and the CPU goes on.
   */
  @Test
  void aMissingCudaBackendSaysWhatIsMissing() {
    Device absent = Device.cuda(4095);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Backends.of(absent))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("cuda:4095");
    assertThat(Backends.isAvailable(absent)).isFalse();
    assertThat(Backends.of(Device.CPU)).isSameAs(backend);
  }
}
