package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The default generator behind {@code Tensor.rand(shape)}, as PyTorch's behind torch.rand. */
class DefaultGeneratorTest {
  @Test
  void manualSeedMakesTheDefaultGeneratorAFreshlySeededOne() {
    Generator g = Tensor.manualSeed(123);
    assertThat(g).isSameAs(Generator.defaultGenerator());
    assertThat(g.initialSeed()).isEqualTo(123);
    Tensor u = Tensor.rand(2, 3);
    Tensor n = Tensor.randn(4);
    Generator fresh = new Generator(123);
    assertThat(u.toFloatArray()).containsExactly(Tensor.rand(fresh, 2, 3).toFloatArray());
    assertThat(n.toFloatArray()).containsExactly(Tensor.randn(fresh, 4).toFloatArray());
    assertThat(u.shape()).containsExactly(2, 3);

    Tensor.manualSeed(124);
    assertThat(Tensor.rand(2, 3).toFloatArray()).isNotEqualTo(u.toFloatArray());
    assertThat(Generator.defaultGenerator().initialSeed()).isEqualTo(124);
  }

  @Test
  void stateCanBeSavedAndRestoredAsGetRngState() {
    Tensor.manualSeed(5);
    Tensor.randn(3); // leaves a spare normal behind
    long[] state = Generator.defaultGenerator().getState();
    float[] next = Tensor.randn(7).toFloatArray();
    Generator.defaultGenerator().setState(state);
    assertThat(Tensor.randn(7).toFloatArray()).containsExactly(next);
  }

  /**
   * Threads drawing whole tensors from the shared generator at once get, between them, exactly the
   * numbers one thread would have drawn: each draw holds the generator, so none is lost, repeated
   * or corrupted (only which thread gets which block depends on the scheduler).
   */
  @Test
  void concurrentDrawsNeverCorruptTheSharedGenerator() throws Exception {
    int threads = 4;
    int draws = 200;
    int size = 64;
    Tensor.manualSeed(11);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<float[]>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        parts.add(
            pool.submit(
                () -> {
                  float[] mine = new float[draws * size];
                  for (int d = 0; d < draws; d++) {
                    System.arraycopy(Tensor.rand(size).toFloatArray(), 0, mine, d * size, size);
                  }
                  return mine;
                }));
      }
      float[] all = new float[threads * draws * size];
      for (int t = 0; t < threads; t++) {
        System.arraycopy(parts.get(t).get(), 0, all, t * draws * size, draws * size);
      }
      float[] expected = Tensor.rand(new Generator(11), all.length).toFloatArray();
      Arrays.sort(all);
      Arrays.sort(expected);
      assertThat(all).containsExactly(expected);
    } finally {
      pool.shutdownNow();
    }
  }
}
