package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Device scopes on the CPU (their GPU behaviour is in CudaBackendContractTest). */
class DeviceScopeTest {
  @Test
  void cpuTensorsMadeInsideStayUsable() {
    Tensor w = Tensor.of(new double[] {1, 2, 3}).requiresGrad(true);
    Tensor y;
    try (DeviceScope scope = DeviceScope.open(List.of(w))) {
      y = w.mul(w);
      y.sum().backward();
    }
    assertThat(y.toDoubleArray()).containsExactly(1, 4, 9);
    assertThat(w.grad().toDoubleArray()).containsExactly(2, 4, 6);
  }

  @Test
  void scopesCloseInnermostFirstOnTheirThread() {
    DeviceScope outer = DeviceScope.open(List.of());
    DeviceScope inner = DeviceScope.open(List.of());
    assertThatThrownBy(outer::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("out of order");
    inner.close();
    inner.close();
    outer.close();
    // Both closed: a new scope is outermost again, and closes on its own.
    DeviceScope again = DeviceScope.open(List.of());
    again.close();
  }
}
