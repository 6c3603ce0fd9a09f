package org.sparkgrad.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link OpenBlas#sgemm} runs a product without transposes a little over OpenBLAS's small-matrix
 * size as blocks of rows: which products are blocked, and that a blocked product (with operand
 * offsets, and {@code beta} adding onto C) equals the float64 product within float rounding.
 */
class OpenBlasTest {
  @Test
  void productsJustOverTheSmallSizeRunInBlocksOfRows() {
    // The convolutions' forward products: 16 and 24 rows per call.
    assertThat(OpenBlas.rowBlock(false, false, 32, 363, 144)).isEqualTo(16);
    assertThat(OpenBlas.rowBlock(false, false, 64, 121, 288)).isEqualTo(24);
    assertThat(OpenBlas.rowBlock(false, false, 32, 4056, 9)).isEqualTo(24);
    // Small enough already, transposed, or blocks under 16 rows (an MLP layer): one call.
    assertThat(OpenBlas.rowBlock(false, false, 16, 363, 144)).isEqualTo(16);
    assertThat(OpenBlas.rowBlock(true, false, 32, 363, 144)).isEqualTo(32);
    assertThat(OpenBlas.rowBlock(false, true, 32, 363, 144)).isEqualTo(32);
    assertThat(OpenBlas.rowBlock(false, false, 256, 256, 784)).isEqualTo(256);
  }

  @Test
  void aBlockedProductIsTheProduct() {
    OpenBlas blas = new OpenBlas(1);
    Random r = new Random(3);
    int m = 37;
    int n = 363;
    int k = 144;
    assertThat(OpenBlas.rowBlock(false, false, m, n, k)).isEqualTo(16); // blocks 16, 16, 5
    float[] a = random(r, 3 + m * k);
    float[] b = random(r, 5 + k * n);
    float[] c = random(r, 7 + m * n);
    float[] expected = c.clone();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double dot = 0;
        for (int q = 0; q < k; q++) {
          dot += (double) a[3 + i * k + q] * b[5 + q * n + j];
        }
        expected[7 + i * n + j] = (float) (0.5 * dot + 2.0 * c[7 + i * n + j]);
      }
    }
    blas.sgemm(false, false, m, n, k, 0.5f, a, 3, b, 5, 2f, c, 7);
    for (int i = 0; i < 7; i++) {
      assertThat(c[i]).isEqualTo(expected[i]); // before the offset: untouched
    }
    for (int i = 7; i < c.length; i++) {
      assertThat((double) c[i]).as("element %d", i).isCloseTo(expected[i], within(expected[i]));
    }
  }

  private static org.assertj.core.data.Offset<Double> within(float v) {
    return org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(v)));
  }

  private static float[] random(Random r, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }
}
