package org.sparkgrad.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sparkgrad.spark.FatalDeviceErrors.Action.EXIT_EXECUTOR;
import static org.sparkgrad.spark.FatalDeviceErrors.Action.IGNORE;
import static org.sparkgrad.spark.FatalDeviceErrors.Action.LOG;

import org.junit.jupiter.api.Test;

class FatalDeviceErrorsTest {
  private static final String STICKY =
      "java.lang.RuntimeException: step failed\n\tat org.sparkgrad.X.run(X.java:1)\n"
          + "Caused by: jcuda.CudaException: CUDA_ERROR_ILLEGAL_ADDRESS\n\tat jcuda.driver...";

  @Test
  void aStickyCudaErrorAnywhereInTheTraceEndsAClusterExecutor() {
    assertThat(FatalDeviceErrors.fatalError(STICKY)).contains("CUDA_ERROR_ILLEGAL_ADDRESS");
    assertThat(FatalDeviceErrors.decide(STICKY, false, true)).isEqualTo(EXIT_EXECUTOR);
  }

  @Test
  void everyListedErrorIsFatal() {
    for (String e : FatalDeviceErrors.STICKY_CUDA_ERRORS) {
      assertThat(FatalDeviceErrors.decide("CudaException: " + e + " (code 700)", false, true))
          .as(e)
          .isEqualTo(EXIT_EXECUTOR);
    }
  }

  @Test
  void localModeAndTheSwitchOnlyLog() {
    assertThat(FatalDeviceErrors.decide(STICKY, true, true)).isEqualTo(LOG);
    assertThat(FatalDeviceErrors.decide(STICKY, false, false)).isEqualTo(LOG);
    assertThat(FatalDeviceErrors.decide(STICKY, true, false)).isEqualTo(LOG);
  }

  @Test
  void recoverableAndUnrelatedErrorsAreLeftToSpark() {
    for (String text :
        new String[] {
          "jcuda.CudaException: CUDA_ERROR_OUT_OF_MEMORY",
          "jcuda.CudaException: CUDA_ERROR_INVALID_VALUE",
          "java.lang.IllegalArgumentException: learning rate must be > 0, got -0.1",
          "CUDA_ERROR_ILLEGAL_ADDRESSES_TABLE is not a CUDA error name",
          "",
          null
        }) {
      assertThat(FatalDeviceErrors.decide(text, false, true))
          .as(String.valueOf(text))
          .isEqualTo(IGNORE);
    }
  }
}
