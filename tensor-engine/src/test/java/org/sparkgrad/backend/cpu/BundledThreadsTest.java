package org.sparkgrad.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.Backends;
import org.sparkgrad.tensor.Tensor;

/**
 * The bundled OpenBLAS runs the thread count it was given (one by default) even when a system
 * OpenBLAS was loaded first, which {@link SystemBlasFirst} does wherever one is installed:
 * JavaCPP's own setter would have set the system library's count and left the bundled one at one
 * thread per core.
 */
class BundledThreadsTest {
  @Test
  void theSetterIsFoundInTheBundledLibrarysOwnMapping() {
    assertThat(Backends.cpu().description()).contains("OpenBLAS 0.3.30 (1 thread)");
    assertThat(BundledThreads.bundledFunction("openblas_set_num_threads")).isPresent();
    assertThat(BundledThreads.bundledFunction("no_such_function_in_openblas")).isEmpty();
  }

  /**
   * One calling thread: if OpenBLAS ran helper threads, the process would spend about as much CPU
   * in them as in the calling thread (2 cores here), in every round; with one thread it spends
   * almost none. The best of three rounds discounts the JIT and the collector of this test JVM.
   */
  @Test
  void aLargeProductRunsOnTheCallingThreadOnly() {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Tensor x = Tensor.ones(1024, 1024);
    x.matmul(x); // warm: buffers allocated, library initialised
    double best = Double.POSITIVE_INFINITY;
    for (int round = 0; round < 3; round++) {
      long process0 = os.getProcessCpuTime();
      long thread0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < 6; i++) {
        x.matmul(x);
      }
      long thread = threads.getCurrentThreadCpuTime() - thread0;
      long others = os.getProcessCpuTime() - process0 - thread;
      assertThat(thread).as("CPU time of the calling thread").isPositive();
      best = Math.min(best, (double) others / thread);
    }
    assertThat(best)
        .as("CPU time of the other threads relative to the calling thread's, best of 3 rounds")
        .isLessThan(0.3);
  }
}
