package org.sparkgrad.ml.data;

import java.util.Arrays;

/**
 * A block's training rows sorted by their position in one epoch's global order, so the rows of
 * minibatch {@code s} (positions {@code [s*B, (s+1)*B)}) are one contiguous run found by binary
 * search. Without shuffling, a row's position is its global row id.
 */
public final class EpochOrder {
  private final long n;
  private final long seed;
  private final int epoch;
  private final boolean shuffle;
  private final long[] positions;
  private final int[] rows;

  private EpochOrder(long n, long seed, int epoch, boolean shuffle, long[] positions, int[] rows) {
    this.n = n;
    this.seed = seed;
    this.epoch = epoch;
    this.shuffle = shuffle;
    this.positions = positions;
    this.rows = rows;
  }

  /**
   * The order of {@code block}'s rows in epoch {@code epoch} of {@code n} rows.
   *
   * @throws IllegalStateException if the block's row ids are not assigned
   */
  public static EpochOrder of(DataBlock block, long n, long seed, int epoch, boolean shuffle) {
    long[] ids = block.rowIds();
    if (ids == null && block.rows() > 0) {
      throw new IllegalStateException("row ids are not assigned");
    }
    int m = block.rows();
    EpochPermutation perm = shuffle ? new EpochPermutation(n, seed, epoch) : null;
    long[] keyed = new long[m];
    for (int r = 0; r < m; r++) {
      long pos = perm == null ? ids[r] : perm.positionOf(ids[r]);
      keyed[r] = pos;
    }
    Integer[] idx = new Integer[m];
    for (int r = 0; r < m; r++) {
      idx[r] = r;
    }
    Arrays.sort(idx, (a, b) -> Long.compare(keyed[a], keyed[b]));
    long[] positions = new long[m];
    int[] rows = new int[m];
    for (int i = 0; i < m; i++) {
      rows[i] = idx[i];
      positions[i] = keyed[idx[i]];
    }
    return new EpochOrder(n, seed, epoch, shuffle, positions, rows);
  }

  boolean matches(long n, long seed, int epoch, boolean shuffle) {
    return this.n == n && this.seed == seed && this.epoch == epoch && this.shuffle == shuffle;
  }

  /** Block rows sorted by position. */
  public int[] rows() {
    return rows;
  }

  /** The index in {@link #rows()} of the first row whose position is {@code >= position}. */
  public int lowerBound(long position) {
    return lowerBound(positions, position);
  }

  /** The index of the first value {@code >= key} in {@code sorted} (ascending). */
  static int lowerBound(long[] sorted, long key) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
