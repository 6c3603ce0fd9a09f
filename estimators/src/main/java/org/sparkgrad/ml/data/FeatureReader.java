package org.sparkgrad.ml.data;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * Decodes one features value (an ML {@link Vector} or an array of floats or doubles) into floats,
 * checking its size and that every value is finite. A problem is returned as a message template
 * (see {@link BadRowException}) rather than thrown, so the same check can find the first bad row
 * again on the driver.
 */
public final class FeatureReader implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String column;
  private final int size;
  private final String sizeOrigin;
  private final int indexLimit;

  /**
   * A reader of column {@code column} with vectors of {@code size} values.
   *
   * @param sizeOrigin where the size comes from, for messages ("the size of the first row")
   */
  public FeatureReader(String column, int size, String sizeOrigin) {
    this(column, size, sizeOrigin, 0);
  }

  private FeatureReader(String column, int size, String sizeOrigin, int indexLimit) {
    this.column = column;
    this.size = size;
    this.sizeOrigin = sizeOrigin;
    this.indexLimit = indexLimit;
  }

  /**
   * This reader, also checking that every value is an integer in {@code [0, limit)}: the features
   * are the indices of an embedding of {@code limit} rows. 0 for no such check.
   */
  public FeatureReader withIndices(int limit) {
    return new FeatureReader(column, size, sizeOrigin, limit);
  }

  /** The number of features. */
  public int size() {
    return size;
  }

  /** Writes {@code value} into {@code out}; returns null, or a problem template. */
  public String read(Object value, float[] out) {
    if (value == null) {
      return "column '" + column + "' is null in row " + BadRowException.ROW;
    }
    if (value instanceof DenseVector d) {
      double[] v = d.values();
      if (v.length != size) {
        return wrongSize(v.length);
      }
      for (int i = 0; i < size; i++) {
        out[i] = (float) v[i];
      }
    } else if (value instanceof SparseVector s) {
      if (s.size() != size) {
        return wrongSize(s.size());
      }
      java.util.Arrays.fill(out, 0f);
      int[] idx = s.indices();
      double[] v = s.values();
      for (int k = 0; k < idx.length; k++) {
        out[idx[k]] = (float) v[k];
      }
    } else if (value instanceof scala.collection.Seq<?> seq) {
      String problem = readList(scala.jdk.javaapi.CollectionConverters.asJava(seq), out);
      if (problem != null) {
        return problem;
      }
    } else if (value instanceof List<?> list) {
      String problem = readList(list, out);
      if (problem != null) {
        return problem;
      }
    } else {
      return "column '"
          + column
          + "' holds a "
          + value.getClass().getSimpleName()
          + " in row "
          + BadRowException.ROW
          + "; expected an ML Vector or an array of numbers";
    }
    for (int i = 0; i < size; i++) {
      if (!Float.isFinite(out[i])) {
        return "column '"
            + column
            + "' has "
            + out[i]
            + " at index "
            + i
            + " in row "
            + BadRowException.ROW
            + "; features must be finite (and fit in a float)";
      }
      if (indexLimit > 0 && !(out[i] >= 0 && out[i] < indexLimit && out[i] == Math.rint(out[i]))) {
        return "column '"
            + column
            + "' has "
            + out[i]
            + " at index "
            + i
            + " in row "
            + BadRowException.ROW
            + "; the network's first layer is an embedding of num_embeddings="
            + indexLimit
            + ", so each feature must be an integer index in [0, "
            + indexLimit
            + ")";
      }
    }
    return null;
  }

  private String readList(List<?> list, float[] out) {
    if (list.size() != size) {
      return wrongSize(list.size());
    }
    for (int i = 0; i < size; i++) {
      Object e = list.get(i);
      if (!(e instanceof Number n)) {
        return "column '"
            + column
            + "' has "
            + (e == null ? "a null element" : "a " + e.getClass().getSimpleName())
            + " at index "
            + i
            + " in row "
            + BadRowException.ROW;
      }
      out[i] = n.floatValue();
    }
    return null;
  }

  private String wrongSize(int got) {
    return "column '"
        + column
        + "' has a vector of size "
        + got
        + " in row "
        + BadRowException.ROW
        + ", expected "
        + size
        + " ("
        + sizeOrigin
        + ")";
  }
}
