package org.sparkgrad.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.sparkgrad.backend.BackendUnavailableException;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Tensor;

/**
 * Without a GPU (CI, this machine) asking for CUDA fails with a message that names what is missing,
 * and the CPU keeps working. The failure descriptions are pure functions, tested for every case
 * here.
 */
class CudaUnavailableTest {
  /** True where the driver library is absent, as on CPU-only build machines. */
  static boolean noDriverLibrary() {
    return !CudaTestSupport.available();
  }

  @Test
  @EnabledIf("noDriverLibrary")
  void askingForCudaNamesTheMissingDriverLibrary() {
    assertThatThrownBy(() -> Backends.of(Device.cuda(0)))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageStartingWith("CUDA backend unavailable for cuda:0: ")
        .hasMessageContaining("driver library libcuda.so.1 was not found");
    // The reason is remembered: a second attempt says the same, not "could not initialize class".
    assertThatThrownBy(() -> Backends.of(Device.cuda(1)))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("cuda:1")
        .hasMessageContaining("libcuda.so.1");
    assertThat(Backends.isAvailable(Device.cuda(0))).isFalse();
    // The CPU path is untouched.
    assertThat(Tensor.of(new float[] {1, 2}).add(1).toFloatArray()).containsExactly(2, 3);
    assertThat(Tensor.of(new float[] {3}).to(Device.CPU).item()).isEqualTo(3.0);
  }

  @Test
  @EnabledIf("noDriverLibrary")
  void aDeviceThatCannotStartIsRememberedNotSearchedForAgain() {
    // A trainer asks for its device on every step; the class path is searched once per device.
    BackendUnavailableException first =
        catchThrowableOfType(BackendUnavailableException.class, () -> Backends.of(Device.cuda(3)));
    BackendUnavailableException again =
        catchThrowableOfType(BackendUnavailableException.class, () -> Backends.of(Device.cuda(3)));
    assertThat(again).hasMessage(first.getMessage());
    assertThat(again.getCause()).isSameAs(first);
    assertThat(Backends.isAvailable(Device.cuda(3))).isFalse();
  }

  @Test
  void tensorsRefuseToMoveToAMissingDevice() {
    if (CudaTestSupport.available()) {
      return;
    }
    assertThatThrownBy(() -> Tensor.of(new float[] {1}).to(Device.cuda(0)))
        .isInstanceOf(BackendUnavailableException.class)
        .hasMessageContaining("cuda:0");
  }

  @Test
  void aMissingDriverLibraryIsNamed() {
    UnsatisfiedLinkError e =
        new UnsatisfiedLinkError(
            "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so:"
                + " libcuda.so.1: cannot open shared object file: No such file or directory");
    assertThat(CudaLoadFailure.describe(e))
        .startsWith("the CUDA driver library libcuda.so.1 was not found");
  }

  @Test
  void missingJcudaNativesAreNamed() {
    UnsatisfiedLinkError e =
        new UnsatisfiedLinkError(
            "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\n"
                + "no resource /lib/libJCudaDriver-12.6.0-linux-x86_64.so");
    assertThat(CudaLoadFailure.describe(e))
        .startsWith("JCuda's native library (libJCudaDriver) failed to load: Error while loading")
        .contains("org.jcuda:jcuda-natives");
  }

  @Test
  void aMissingJcudaJarIsNamed() {
    NoClassDefFoundError e = new NoClassDefFoundError("jcuda/driver/JCudaDriver");
    assertThat(CudaLoadFailure.describe(e))
        .isEqualTo(
            "JCuda is not on the class path (missing class jcuda/driver/JCudaDriver); add"
                + " org.jcuda:jcuda:12.6.0 and its natives");
  }

  @Test
  void driverInitialisationFailuresAreNamed() {
    assertThat(CudaDriver.initFailure(100))
        .isEqualTo(
            "the CUDA driver found no device (device count 0; cuInit returned"
                + " CUDA_ERROR_NO_DEVICE)");
    assertThat(CudaDriver.initFailure(CudaDriver.CUDA_ERROR_INSUFFICIENT_DRIVER))
        .contains("too old")
        .contains("CUDA_ERROR_INSUFFICIENT_DRIVER");
    assertThat(CudaDriver.initFailure(999)).isEqualTo("cuInit failed: CUDA_ERROR_UNKNOWN");
  }

  @Test
  void collectionsAreRequestedAfterAQuarterOfTheDevice() {
    assertThat(CachingAllocator.gcThreshold(80L << 30)).isEqualTo(20L << 30);
    assertThat(CachingAllocator.gcThreshold(512L << 20)).isEqualTo(256L << 20);
  }

  @Test
  void bucketsRoundUpWithBoundedSlack() {
    assertThat(CachingAllocator.bucket(1)).isEqualTo(512);
    assertThat(CachingAllocator.bucket(512)).isEqualTo(512);
    assertThat(CachingAllocator.bucket(513)).isEqualTo(1024);
    assertThat(CachingAllocator.bucket(1 << 20)).isEqualTo(1 << 20);
    // Above 1 MiB: four buckets per power of two.
    assertThat(CachingAllocator.bucket((1 << 20) + 1)).isEqualTo((1 << 20) + (1 << 18));
    assertThat(CachingAllocator.bucket(3_000_000)).isEqualTo(3_145_728);
    for (long n = 1; n < (1L << 34); n = n * 3 + 7) {
      long b = CachingAllocator.bucket(n);
      assertThat(b)
          .as("bucket(%d)", n)
          .isGreaterThanOrEqualTo(n)
          .isLessThanOrEqualTo(Math.max(n + 511, n + n / 4));
      assertThat(CachingAllocator.bucket(b)).as("a bucket is its own bucket").isEqualTo(b);
    }
    assertThatThrownBy(() -> CachingAllocator.bucket(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("allocation size must be > 0 bytes, got 0");
  }
}
