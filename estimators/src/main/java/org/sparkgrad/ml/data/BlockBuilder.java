package org.sparkgrad.ml.data;

import java.util.Arrays;
import org.sparkgrad.tensor.Generator;

/**
 * Accumulates validated rows into a {@link DataBlock}, hashing each row's content (features, label,
 * weight) to 64 bits on the way: the hash is what global row ids are ranked by, so two
 * partitionings of the same rows get the same ids.
 */
public final class BlockBuilder {
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
   * The 64-bit content hash of a row: the bits of its float features, labels and weight, chained
   * through SplitMix64's finaliser. Rows with equal values hash equal (so a sparse and a dense
   * vector of the same values do too, and -0 equals 0).
   */
  public static long hash(float[] x, float[] y, float weight) {
    long h = 0x5851F42D4C957F2DL ^ x.length;
    for (float v : x) {
      h = Generator.mix(h ^ bits(v)) + 0x9E3779B97F4A7C15L;
    }
    h = Generator.mix(h ^ y.length);
    for (float v : y) {
      h = Generator.mix(h ^ bits(v)) + 0x9E3779B97F4A7C15L;
    }
    return Generator.mix(h ^ bits(weight));
  }

  /** The bits of {@code v}, with -0 read as 0 (equal values, equal hash). */
  private static int bits(float v) {
    return v == 0f ? 0 : Float.floatToIntBits(v);
  }
}
