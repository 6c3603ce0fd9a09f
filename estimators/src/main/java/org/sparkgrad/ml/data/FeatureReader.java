package org.sparkgrad.ml.data;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * Decodes one row's features into floats: one features value (an ML {@link Vector}, an array of
 * floats or doubles, or Spark's image struct, see {@link ImageRows}), or, for several feature
 * columns, a struct of their values, each written after the one before ({@link InputColumn}). It
 * checks sizes and that every value is finite; an index column's values must be integers in {@code
 * [0, indexLimit)}. A problem is returned as a message template (see {@link BadRowException})
 * rather than thrown, so the same check can find the first bad row again on the driver.
 */
public final class FeatureReader implements Serializable {
  private static final long serialVersionUID = 2L;

  private final List<InputColumn> inputs;
  // True when the value is a struct of the inputs' values (several feature columns).
  private final boolean packed;
  private final int size;

  /**
   * A reader of column {@code column} with vectors of {@code size} values.
   *
   * @param sizeOrigin where the size comes from, for messages ("the size of the first row")
   */
  public FeatureReader(String column, int size, String sizeOrigin) {
    this(
        List.of(new InputColumn(column, InputColumn.Kind.VECTOR, new int[] {size}, sizeOrigin, 0)),
        false);
  }

  private FeatureReader(List<InputColumn> inputs, boolean packed) {
    this.inputs = List.copyOf(inputs);
    this.packed = packed;
    int n = 0;
    for (InputColumn c : inputs) {
      n += c.width();
    }
    this.size = n;
  }

  /** A reader of one column {@code input} (a vector, an image or an index). */
  public static FeatureReader of(InputColumn input) {
    return new FeatureReader(List.of(input), false);
  }

  /** A reader of a struct of the values of {@code inputs}, in order, written one after another. */
  public static FeatureReader packed(List<InputColumn> inputs) {
    return new FeatureReader(inputs, true);
  }

  /**
   * This reader, also checking that every value of a one-column reader is an integer in {@code [0,
   * limit)}: the features are the indices of an embedding of {@code limit} rows. 0 for no such
   * check.
   */
  public FeatureReader withIndices(int limit) {
    if (limit == 0) {
      return this;
    }
    InputColumn c = inputs.get(0);
    return new FeatureReader(
        List.of(new InputColumn(c.column(), c.kind(), c.shape(), c.sizeOrigin(), limit)), packed);
  }

  /** The number of features. */
  public int size() {
    return size;
  }

  /** True when a value is a struct of the inputs' values, false for one column's value. */
  public boolean isPacked() {
    return packed;
  }

  /** The inputs read, in order. */
  public List<InputColumn> inputs() {
    return inputs;
  }

  /** Writes {@code value} into {@code out}; returns null, or a problem template. */
  public String read(Object value, float[] out) {
    if (!packed) {
      return read(inputs.get(0), value, out, 0);
    }
    org.apache.spark.sql.Row row = (org.apache.spark.sql.Row) value;
    int offset = 0;
    for (int i = 0; i < inputs.size(); i++) {
      String problem = read(inputs.get(i), row.get(i), out, offset);
      if (problem != null) {
        return problem;
      }
      offset += inputs.get(i).width();
    }
    return null;
  }

  private static String read(InputColumn in, Object value, float[] out, int offset) {
    String column = in.column();
    if (value == null) {
      return "column '" + column + "' is null in row " + BadRowException.ROW;
    }
    if (in.kind() == InputColumn.Kind.IMAGE) {
      return ImageRows.read(
          (org.apache.spark.sql.Row) value, column, in.shape(), in.sizeOrigin(), out, offset);
    }
    if (in.kind() == InputColumn.Kind.INDEX) {
      return IndexValues.read(((Number) value).longValue(), column, in.indexLimit(), out, offset);
    }
    int size = in.width();
    if (value instanceof DenseVector d) {
      double[] v = d.values();
      if (v.length != size) {
        return wrongSize(in, v.length);
      }
      for (int i = 0; i < size; i++) {
        out[offset + i] = (float) v[i];
      }
    } else if (value instanceof SparseVector s) {
      if (s.size() != size) {
        return wrongSize(in, s.size());
      }
      java.util.Arrays.fill(out, offset, offset + size, 0f);
      int[] idx = s.indices();
      double[] v = s.values();
      for (int k = 0; k < idx.length; k++) {
        out[offset + idx[k]] = (float) v[k];
      }
    } else if (value instanceof scala.collection.Seq<?> seq) {
      String problem =
          readList(in, scala.jdk.javaapi.CollectionConverters.asJava(seq), out, offset);
      if (problem != null) {
        return problem;
      }
    } else if (value instanceof List<?> list) {
      String problem = readList(in, list, out, offset);
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
    int indexLimit = in.indexLimit();
    for (int i = 0; i < size; i++) {
      float x = out[offset + i];
      if (!Float.isFinite(x)) {
        return "column '"
            + column
            + "' has "
            + x
            + " at index "
            + i
            + " in row "
            + BadRowException.ROW
            + "; features must be finite (and fit in a float)";
      }
      if (indexLimit > 0 && !(x >= 0 && x < indexLimit && x == Math.rint(x))) {
        return "column '"
            + column
            + "' has "
            + x
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

  private static String readList(InputColumn in, List<?> list, float[] out, int offset) {
    int size = in.width();
    String column = in.column();
    if (list.size() != size) {
      return wrongSize(in, list.size());
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
      out[offset + i] = n.floatValue();
    }
    return null;
  }

  private static String wrongSize(InputColumn in, int got) {
    return "column '"
        + in.column()
        + "' has a vector of size "
        + got
        + " in row "
        + BadRowException.ROW
        + ", expected "
        + in.width()
        + " ("
        + in.sizeOrigin()
        + ")";
  }
}
