package org.sparkgrad.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.tensor.Device;

/**
 * {@code spark.sparkgrad.device=gpu} in local mode where CUDA cannot run: the SparkContext does not
 * start, and says what is missing. Runs first, before the shared context exists.
 */
@Order(1)
class GpuWithoutCudaTest {
  @Test
  void theContextFailsToStartNamingTheMissingBackend() {
    assumeFalse(
        Backends.isAvailable(Device.cuda(0)), "CUDA runs on this machine; nothing is missing");
    SharedSpark.stop();
    Throwable thrown =
        catchThrowable(
            () -> {
              JavaSparkContext sc =
                  new JavaSparkContext(
                      SharedSpark.baseConf("sparkgrad-gpu-without-cuda")
                          .set("spark.sparkgrad.device", "gpu")
                          .set("spark.driver.resource.gpu.amount", "2")
                          .set(
                              "spark.driver.resource.gpu.discoveryScript",
                              SharedSpark.fakeDiscoveryScript().toString()));
              sc.stop();
            });
    assertThat(thrown).as("the context must not start").isNotNull();
    Throwable root = thrown;
    StringBuilder messages = new StringBuilder();
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      messages.append(t).append('\n');
      root = t;
    }
    assertThat(messages.toString())
        .contains("Sparkgrad cannot use cuda:0")
        .contains("spark.sparkgrad.device=gpu and Spark assigned GPUs [0, 1]")
        // What is missing: the CUDA backend's classes, or (with them) the driver library.
        .containsAnyOf("no backend for cuda:0 on the class path", "libcuda.so.1 was not found")
        .contains("spark.sparkgrad.device=auto");
    assertThat(root.getMessage()).containsAnyOf("no backend for cuda:0", "libcuda.so.1");
    assertThat(SparkgradExecutorState.current()).isEmpty();
  }
}
