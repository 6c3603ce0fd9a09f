package org.sparkgrad.ml.data;

import java.util.Arrays;
import org.sparkgrad.tensor.Generator;

/**
 * Accumulates validated rows into a {@link DataBlock}, hashing each row's content (features, label,
 * weight) to 64 bits on the way: the hash is what global row ids are ranked by, so two
 * partitionings of the same rows get the same ids.
 */
public final class BlockBuilder {
  private static final long SEED = 0x5851F42D4C957F2DL;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final int numFeatures;
  private final int labelDim;
  private final boolean weighted;
  private float[] features;
  private float[] labels;
  private float[] weights;
  private long[] hashes;
  private int rows;

  /** A builder of rows of {@code numFeatures} features and {@code labelDim} label values. */
  public BlockBuilder(int numFeatures, int labelDim, boolean weighted) {
    this.numFeatures = numFeatures;
    this.labelDim = labelDim;
    this.weighted = weighted;
    this.features = new float[16 * numFeatures];
    this.labels = new float[16 * labelDim];
    this.weights = weighted ? new float[16] : null;
    this.hashes = new long[16];
  }

  /** The number of rows added. */
  public int rows() {
    return rows;
  }

  /**
   * Adds a row.
   *
   * @throws IllegalStateException if the block would exceed Java's array size
   */
  public void add(float[] x, float[] y, float weight) {
    if (rows == hashes.length) {
      grow();
    }
    System.arraycopy(x, 0, features, rows * numFeatures, numFeatures);
    System.arraycopy(y, 0, labels, rows * labelDim, labelDim);
    if (weighted) {
      weights[rows] = weight;
    }
    hashes[rows] = hash(x, y, weighted ? weight : 1f);
    rows++;
  }

  private void grow() {
    long cap = (long) hashes.length * 2;
    if (cap * Math.max(numFeatures, labelDim) > Integer.MAX_VALUE - 8) {
      cap = (Integer.MAX_VALUE - 8L) / Math.max(numFeatures, labelDim);
      if (cap <= rows) {
        throw new IllegalStateException(
            "a partition holds more than "
                + rows
                + " rows of "
                + numFeatures
                + " features, more than one Java array can; raise numReplicas to split the data"
                + " into more partitions");
      }
    }
    int c = (int) cap;
    features = Arrays.copyOf(features, c * numFeatures);
    labels = Arrays.copyOf(labels, c * labelDim);
    if (weighted) {
      weights = Arrays.copyOf(weights, c);
    }
    hashes = Arrays.copyOf(hashes, c);
  }

  /** The block of the rows added so far (the builder must not be used afterwards). */
  public DataBlock build() {
    return new DataBlock(
        rows,
        numFeatures,
        labelDim,
        Arrays.copyOf(features, rows * numFeatures),
        Arrays.copyOf(labels, rows * labelDim),
        weighted ? Arrays.copyOf(weights, rows) : null,
        Arrays.copyOf(hashes, rows),
        null);
  }

  /**
   * The 64-bit content hash of a row: the bits of its float features, two to a 64-bit word, chained
   * through SplitMix64's finaliser in four independent lanes (so that the multiplications of
   * neighbouring words overlap), the lanes and then the labels and weight folded in at the end.
   * Rows with equal values hash equal (so a sparse and a dense vector of the same values do too,
   * and -0 equals 0).
   */
  public static long hash(float[] x, float[] y, float weight) {
    int n = x.length;
    long a = SEED ^ n;
    long b = a + 1;
    long c = a + 2;
    long d = a + 3;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      a = Generator.mix(a ^ pair(x[i], x[i + 1])) + GOLDEN;
      b = Generator.mix(b ^ pair(x[i + 2], x[i + 3])) + GOLDEN;
      c = Generator.mix(c ^ pair(x[i + 4], x[i + 5])) + GOLDEN;
      d = Generator.mix(d ^ pair(x[i + 6], x[i + 7])) + GOLDEN;
    }
    for (; i < n; i++) {
      a = Generator.mix(a ^ bits(x[i])) + GOLDEN;
    }
    long h = Generator.mix(Generator.mix(Generator.mix(a ^ Generator.mix(b)) ^ c) ^ d);
    h = Generator.mix(h ^ y.length);
    for (float v : y) {
      h = Generator.mix(h ^ bits(v)) + GOLDEN;
    }
    return Generator.mix(h ^ bits(weight));
  }

  /** The bits of two values in one word. */
  private static long pair(float hi, float lo) {
    return ((long) bits(hi) << 32) | (bits(lo) & 0xFFFFFFFFL);
  }

  /**
   * The bits of {@code v}, with -0 read as 0 (equal values, equal hash): adding +0 turns -0 into +0
   * and leaves every other value as it is, without a branch (a branch on zero mispredicted on the
   * mixed zero and non-zero pixels of image rows and made hashing 4x slower).
   */
  private static int bits(float v) {
    return Float.floatToRawIntBits(v + 0f);
  }
}
