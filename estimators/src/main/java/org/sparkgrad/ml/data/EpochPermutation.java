package org.sparkgrad.ml.data;

import org.sparkgrad.tensor.Generator;

/**
 * A seeded permutation of {@code 0..n-1} for one epoch that is computed one index at a time: a
 * partition finds where each of its rows falls in the epoch's order without anyone holding the
 * whole list. This is what makes the global sampler independent of partitioning (docs/TRAINING.md):
 * minibatch {@code s} is the rows whose position is in {@code [s*B, (s+1)*B)}.
 *
 * <p>The permutation is a balanced Feistel network on the smallest even power of two that covers
 * {@code n}, with cycle-walking to stay inside {@code [0, n)}; round keys come from {@code (seed,
 * epoch)} only, so epoch {@code e}'s order does not depend on how many epochs ran before.
 */
public final class EpochPermutation {
  private static final int ROUNDS = 8;

  private final long n;
  private final int halfBits;
  private final long halfMask;
  private final long[] keys = new long[ROUNDS];

  /**
   * The order of epoch {@code epoch} of a data set of {@code n} rows.
   *
   * @throws IllegalArgumentException if {@code n < 1} or {@code n > 2^62}
   */
  public EpochPermutation(long n, long seed, long epoch) {
    if (n < 1 || n > (1L << 62)) {
      throw new IllegalArgumentException("row count must be in [1, 2^62], got " + n);
    }
    this.n = n;
    int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
    bits += bits & 1;
    this.halfBits = bits / 2;
    this.halfMask = (1L << halfBits) - 1;
    long k = Generator.mix(Generator.mix(seed) ^ (epoch * 0x9E3779B97F4A7C15L));
    for (int r = 0; r < ROUNDS; r++) {
      k = Generator.mix(k + r + 1);
      keys[r] = k;
    }
  }

  /** The number of rows permuted. */
  public long size() {
    return n;
  }

  /** The position in this epoch's order of row {@code index}. */
  public long positionOf(long index) {
    if (index < 0 || index >= n) {
      throw new IndexOutOfBoundsException("row index " + index + " outside [0, " + n + ")");
    }
    long x = index;
    do {
      x = encrypt(x);
    } while (x >= n);
    return x;
  }

  private long encrypt(long x) {
    long left = x >>> halfBits;
    long right = x & halfMask;
    for (long key : keys) {
      long next = left ^ (Generator.mix(right ^ key) & halfMask);
      left = right;
      right = next;
    }
    return (left << halfBits) | right;
  }
}
