package org.sparkgrad.ml.data;

import java.io.Serializable;
import java.util.Arrays;

/** One input column of a fit or of scoring, as the data side reads it into a row's flat floats. */
public final class InputColumn implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The largest index an index column may hold, plus one: floats hold integers exactly below. */
  public static final int MAX_INDEX = 1 << 24;

  /** How a column's values are read. */
  public enum Kind {
    /** An ML Vector or an array of floats or doubles: that many floats. */
    VECTOR,
    /** Spark's image struct ({@link ImageRows}): {@code C * H * W} floats in [0, 1]. */
    IMAGE,
    /** An integer column (byte, short, int, long): one index, read by the network as int64. */
    INDEX
  }

  private final String column;
  private final Kind kind;
  private final int[] shape;
  private final String sizeOrigin;
  private final int indexLimit;

  /**
   * An input column.
   *
   * @param column the column's name
   * @param kind how its values are read
   * @param shape the shape of one row's value: {@code [size]} for a vector, {@code [C, H, W]} for
   *     an image, {@code []} for an index (one value)
   * @param sizeOrigin where the shape comes from, for messages ("the size of the first row")
   * @param indexLimit for an index, the first index the network refuses (values must be in {@code
   *     [0, indexLimit)}), or 0 for any index below 2^24
   */
  public InputColumn(String column, Kind kind, int[] shape, String sizeOrigin, int indexLimit) {
    this.column = column;
    this.kind = kind;
    this.shape = shape.clone();
    this.sizeOrigin = sizeOrigin;
    this.indexLimit = indexLimit;
  }

  /** The column's name. */
  public String column() {
    return column;
  }

  /** How its values are read. */
  public Kind kind() {
    return kind;
  }

  /** Where the shape comes from, for messages. */
  public String sizeOrigin() {
    return sizeOrigin;
  }

  /** The first index the network refuses, or 0 for none below 2^24. */
  public int indexLimit() {
    return indexLimit;
  }

  /** The number of floats one row's value takes. */
  public int width() {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** The shape of one row's value. */
  public int[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputColumn other
        && column.equals(other.column)
        && kind == other.kind
        && Arrays.equals(shape, other.shape)
        && indexLimit == other.indexLimit;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * column.hashCode() + kind.hashCode()) + Arrays.hashCode(shape) + indexLimit;
  }

  @Override
  public String toString() {
    return column + " " + kind + " " + Arrays.toString(shape);
  }
}
