package org.sparkgrad.ml.train;

import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * Inverted dropout whose mask for a row depends only on (seed, epoch, step, global row id, layer),
 * not on which partition or batch the row is in: each row gets its own generator seeded from that
 * key. This is what keeps a data-parallel fit with dropout identical for any partitioning. As in
 * {@code nn.Dropout}, an element is kept with probability {@code 1 - p} and scaled by {@code 1 / (1
 * - p)}.
 *
 * <p>Shape: {@code x} is {@code [rows, ...]}; each row's elements are masked in row-major order.
 */
public final class KeyedDropout {
  private KeyedDropout() {}

  /** The key of the masks of layer {@code layer} in step {@code step} of epoch {@code epoch}. */
  public static long key(long seed, int epoch, int step, int layer) {
    long k = Generator.mix(seed ^ 0x2545F4914F6CDD1DL);
    k = Generator.mix(k ^ epoch);
    k = Generator.mix(k ^ ((long) step << 20));
    return Generator.mix(k ^ ((long) layer << 40));
  }

  /** The mask values ({@code 0} or {@code 1 / (1 - p)}), {@code width} per row, row-major. */
  public static float[] mask(int rows, int width, double p, long[] rowIds, long key) {
    float scale = (float) (1 / (1 - p));
    float[] mask = new float[rows * width];
    for (int r = 0; r < rows; r++) {
      Generator g = new Generator(Generator.mix(key ^ Generator.mix(rowIds[r])));
      for (int j = 0; j < width; j++) {
        mask[r * width + j] = g.nextDouble() < 1 - p ? scale : 0f;
      }
    }
    return mask;
  }

  /**
   * {@code x} times the rows' masks; differentiable in {@code x}.
   *
   * @throws IllegalArgumentException if {@code p} is outside [0, 1) or the row ids do not match
   */
  public static Tensor apply(Tensor x, double p, long[] rowIds, long key) {
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
    }
    if (p == 0) {
      return x;
    }
    int rows = x.size(0);
    if (rowIds.length != rows) {
      throw new IllegalArgumentException(
          "dropout got " + rowIds.length + " row ids for " + rows + " rows");
    }
    int width = rows == 0 ? 0 : x.numel() / rows;
    Tensor m = Tensor.of(mask(rows, width, p, rowIds, key), x.shape());
    return x.mul(m.to(x.device()));
  }
}
