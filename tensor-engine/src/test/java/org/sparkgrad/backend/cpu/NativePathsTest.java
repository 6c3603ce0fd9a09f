package org.sparkgrad.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;
import org.sparkgrad.util.ChildJvm;

/**
 * The CPU backend's native paths under the loads that crash native code elsewhere: many threads in
 * the bundled OpenBLAS at once (its buffer table is sized for a fixed number of threads),
 * zero-sized operands (BLAS rejects a leading dimension of 0), shapes past Java's array limit, and
 * a scratch buffer that cannot be allocated. Each must give the right result or a Java exception,
 * never a fault; docs/RELIABILITY.md lists what was checked.
 */
class NativePathsTest {
  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void manyThreadsAtOnceGetTheOneThreadResult() throws Exception {
    Generator g = new Generator(1);
    Tensor x = Tensor.randn(g, 96, 128);
    Tensor w = Tensor.randn(g, 128, 112);
    float[] want = x.matmul(w).toFloatArray();
    int threads = 160;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  int wrong = 0;
                  for (int i = 0; i < 4; i++) {
                    float[] got = x.matmul(w).toFloatArray();
                    wrong += java.util.Arrays.equals(got, want) ? 0 : 1;
                  }
                  return wrong;
                }));
      }
      start.countDown();
      for (int t = 0; t < threads; t++) {
        assertThat(results.get(t).get()).as("wrong products on thread %d", t).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void zeroSizedOperandsGiveEmptyOrZeroProductsAndGradients() {
    assertThat(Tensor.zeros(0, 5).matmul(Tensor.ones(5, 3)).shape()).containsExactly(0, 3);
    Tensor inner = Tensor.zeros(4, 0).matmul(Tensor.ones(0, 3));
    assertThat(inner.shape()).containsExactly(4, 3);
    assertThat(inner.toFloatArray()).containsOnly(0f);

    Tensor x = Tensor.ones(4, 5).requiresGrad(true);
    Tensor w = Tensor.ones(5, 0).requiresGrad(true);
    Tensor y = x.matmul(w);
    assertThat(y.shape()).containsExactly(4, 0);
    y.sum().backward();
    assertThat(x.grad().toFloatArray()).hasSize(20).containsOnly(0f);
    assertThat(w.grad().shape()).containsExactly(5, 0);

    Tensor batched = Tensor.ones(2, 3, 0).matmul(Tensor.ones(2, 0, 4));
    assertThat(batched.shape()).containsExactly(2, 3, 4);
    assertThat(batched.toFloatArray()).containsOnly(0f);
  }

  @Test
  void aShapePastJavasArrayLimitIsRejectedByName() {
    assertThatThrownBy(() -> Tensor.zeros(65536, 65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[65536, 65536]")
        .hasMessageContaining("4294967296 elements");
  }

  /**
   * In a child JVM whose off-heap limit is 50 MB, a 4000 x 4000 product needs 64 MB of OpenBLAS
   * operand buffers: JavaCPP refuses it with an OutOfMemoryError, and the next product works.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aScratchBufferThatCannotBeAllocatedIsAJavaErrorAndTheEngineGoesOn() throws Exception {
    String out =
        ChildJvm.run(List.of("-Dorg.bytedeco.javacpp.maxBytes=50m"), ScratchLimitChild.class, 100);
    assertThat(out)
        .contains("large product: java.lang.OutOfMemoryError: Cannot allocate")
        .contains("small product after it: 1000.0");
  }

  /** The child of {@link #aScratchBufferThatCannotBeAllocatedIsAJavaErrorAndTheEngineGoesOn}. */
  static final class ScratchLimitChild {
    private ScratchLimitChild() {}

    public static void main(String[] args) {
      Tensor small = Tensor.ones(10, 10);
      small.matmul(small); // scratch buffers exist before the large product replaces them
      try {
        Tensor big = Tensor.ones(4000, 4000);
        System.out.println("large product: no error, sum " + big.matmul(big).sum().item());
      } catch (OutOfMemoryError e) {
        System.out.println("large product: " + e);
      }
      System.out.println("small product after it: " + small.matmul(small).sum().item());
    }
  }
}
