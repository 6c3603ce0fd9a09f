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

  @Test
  void aMissingCudaBackendSaysWhatIsMissing() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Backends.of(Device.cuda(0)))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("cuda:0");
    assertThat(Backends.isAvailable(Device.cuda(0))).isFalse();
  }
}
