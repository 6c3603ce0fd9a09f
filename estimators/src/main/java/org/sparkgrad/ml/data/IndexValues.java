package org.sparkgrad.ml.data;

/**
 * The values of an integer column that a network reads as int64 indices (an {@code Embedding}'s
 * input): each must be in {@code [0, limit)}, where the limit is the first index the network
 * refuses, or below {@link InputColumn#MAX_INDEX} when the network refuses none (rows keep their
 * features as floats, which hold every integer below 2^24 exactly).
 */
final class IndexValues {
  private IndexValues() {}

  /**
   * Writes {@code value} into {@code out[offset]}; returns null, or a problem template naming
   * {@code column} and the row.
   *
   * @param limit the first index refused, or 0 for none below {@link InputColumn#MAX_INDEX}
   */
  static String read(long value, String column, int limit, float[] out, int offset) {
    int bound = limit > 0 ? limit : InputColumn.MAX_INDEX;
    if (value < 0 || value >= bound) {
      return "column '"
          + column
          + "' has index "
          + value
          + " in row "
          + BadRowException.ROW
          + (limit > 0
              ? ", but the network takes indices in [0, "
                  + limit
                  + ") there (its forward fails from index "
                  + limit
                  + " on, as an Embedding of num_embeddings="
                  + limit
                  + " does)"
              : "; an index column's values must be in [0, 2^24)");
    }
    out[offset] = value;
    return null;
  }
}
