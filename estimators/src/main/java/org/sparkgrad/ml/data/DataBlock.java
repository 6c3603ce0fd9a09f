package org.sparkgrad.ml.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The rows of one partition in columnar form, built once per fit so that training steps never
 * decode Spark rows: a row-major float matrix of features, the labels (one value per row for class
 * indices and single outputs, several for vector labels), optional weights, each row's content hash
 * and, once assigned, its global row id.
 *
 * <p>Instances are immutable; {@link #withRowIds} shares the arrays with the original.
 */
public final class DataBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int rows;
  private final int numFeatures;
  private final int labelDim;
  private final float[] features;
  private final float[] labels;
  private final float[] weights;
  private final long[] hashes;
  private final long[] rowIds;

  /**
   * A block of {@code rows} rows.
   *
   * @param features {@code rows * numFeatures} values, row-major
   * @param labels {@code rows * labelDim} values
   * @param weights {@code rows} weights, or null when every row weighs 1
   * @param hashes {@code rows} content hashes
   * @param rowIds {@code rows} global row ids, or null before they are assigned
   */
  public DataBlock(
      int rows,
      int numFeatures,
      int labelDim,
      float[] features,
      float[] labels,
      float[] weights,
      long[] hashes,
      long[] rowIds) {
    if (features.length != (long) rows * numFeatures
        || labels.length != (long) rows * labelDim
        || (weights != null && weights.length != rows)
        || hashes.length != rows
        || (rowIds != null && rowIds.length != rows)) {
      throw new IllegalArgumentException("inconsistent block arrays for " + rows + " rows");
    }
    this.rows = rows;
    this.numFeatures = numFeatures;
    this.labelDim = labelDim;
    this.features = features;
    this.labels = labels;
    this.weights = weights;
    this.hashes = hashes;
    this.rowIds = rowIds;
  }

  /** This block with global row ids {@code ids}, sharing every other array. */
  public DataBlock withRowIds(long[] ids) {
    return new DataBlock(rows, numFeatures, labelDim, features, labels, weights, hashes, ids);
  }

  /** The number of rows. */
  public int rows() {
    return rows;
  }

  /** The width of a feature row. */
  public int numFeatures() {
    return numFeatures;
  }

  /** The number of label values per row. */
  public int labelDim() {
    return labelDim;
  }

  /** The feature matrix, row-major (shared, do not modify). */
  public float[] features() {
    return features;
  }

  /** The labels, {@code labelDim} per row (shared, do not modify). */
  public float[] labels() {
    return labels;
  }

  /** The weights, or null when every row weighs 1 (shared, do not modify). */
  public float[] weights() {
    return weights;
  }

  /** The weight of row {@code r}. */
  public double weight(int r) {
    return weights == null ? 1.0 : weights[r];
  }

  /** The content hashes (shared, do not modify). */
  public long[] hashes() {
    return hashes;
  }

  /** The global row ids, or null before they are assigned (shared, do not modify). */
  public long[] rowIds() {
    return rowIds;
  }

  /**
   * Copies the features, labels, weights and row ids of rows {@code order[from..to)} into a new
   * {@link Batch}, in that order.
   */
  public Batch gather(int[] order, int from, int to) {
    int m = to - from;
    float[] x = new float[m * numFeatures];
    float[] y = new float[m * labelDim];
    float[] w = weights == null ? null : new float[m];
    long[] ids = new long[m];
    for (int i = 0; i < m; i++) {
      int r = order[from + i];
      System.arraycopy(features, r * numFeatures, x, i * numFeatures, numFeatures);
      System.arraycopy(labels, r * labelDim, y, i * labelDim, labelDim);
      if (w != null) {
        w[i] = weights[r];
      }
      ids[i] = rowIds == null ? -1 : rowIds[r];
    }
    return new Batch(m, numFeatures, labelDim, x, y, w, ids);
  }

  /** All rows as one {@link Batch}, in block order. */
  public Batch all() {
    int[] order = new int[rows];
    Arrays.setAll(order, i -> i);
    return gather(order, 0, rows);
  }

  /** A minibatch: rows gathered from a block, ready to become tensors (arrays shared). */
  public static final class Batch {
    private final int rows;
    private final int numFeatures;
    private final int labelDim;
    private final float[] x;
    private final float[] y;
    private final float[] w;
    private final long[] rowIds;

    Batch(int rows, int numFeatures, int labelDim, float[] x, float[] y, float[] w, long[] ids) {
      this.rows = rows;
      this.numFeatures = numFeatures;
      this.labelDim = labelDim;
      this.x = x;
      this.y = y;
      this.w = w;
      this.rowIds = ids;
    }

    /**
     * The rows of {@code parts} one after another (the part itself when there is one; an empty
     * batch of the given widths when there is none).
     */
    static Batch concat(List<Batch> parts, int numFeatures, int labelDim) {
      if (parts.size() == 1) {
        return parts.get(0);
      }
      int m = 0;
      boolean weighted = false;
      for (Batch b : parts) {
        m += b.rows;
        weighted |= b.w != null;
      }
      float[] x = new float[m * numFeatures];
      float[] y = new float[m * labelDim];
      float[] w = weighted ? new float[m] : null;
      long[] ids = new long[m];
      int at = 0;
      for (Batch b : parts) {
        System.arraycopy(b.x, 0, x, at * numFeatures, b.rows * numFeatures);
        System.arraycopy(b.y, 0, y, at * labelDim, b.rows * labelDim);
        if (w != null) {
          System.arraycopy(b.w, 0, w, at, b.rows);
        }
        System.arraycopy(b.rowIds, 0, ids, at, b.rows);
        at += b.rows;
      }
      return new Batch(m, numFeatures, labelDim, x, y, w, ids);
    }

    /** The number of rows. */
    public int rows() {
      return rows;
    }

    /** The width of a feature row. */
    public int numFeatures() {
      return numFeatures;
    }

    /** The label values per row. */
    public int labelDim() {
      return labelDim;
    }

    /** The features, {@code [rows, numFeatures]} row-major. */
    public float[] x() {
      return x;
    }

    /** The labels, {@code [rows, labelDim]} row-major. */
    public float[] y() {
      return y;
    }

    /** The weights, or null when every row weighs 1. */
    public float[] w() {
      return w;
    }

    /** The global row ids (-1 where unassigned). */
    public long[] rowIds() {
      return rowIds;
    }
  }
}
