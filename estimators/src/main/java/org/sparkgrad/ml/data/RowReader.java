package org.sparkgrad.ml.data;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * Validates and decodes the rows of the training columns, selected in the order features, label,
 * then weight and validation indicator if used, and builds a partition's {@link PartitionData}.
 * Every check names the column and the row; see {@link BadRowException} for the row placeholder.
 */
public final class RowReader implements Serializable {
  private static final long serialVersionUID = 1L;

  private final FeatureReader features;
  private final String labelCol;
  private final int labelDim;
  private final boolean classification;
  private final int numClasses;
  private final String numClassesOrigin;
  private final String weightCol;
  private final String validationCol;

  /**
   * A reader.
   *
   * @param labelDim label values per row: 1, or the size of vector labels (regression)
   * @param numClasses the known number of classes (labels must be below it), or 0 if unknown
   * @param numClassesOrigin where {@code numClasses} comes from, for messages
   * @param weightCol the weight column, or null
   * @param validationCol the validation indicator column, or null
   */
  public RowReader(
      FeatureReader features,
      String labelCol,
      int labelDim,
      boolean classification,
      int numClasses,
      String numClassesOrigin,
      String weightCol,
      String validationCol) {
    this.features = features;
    this.labelCol = labelCol;
    this.labelDim = labelDim;
    this.classification = classification;
    this.numClasses = numClasses;
    this.numClassesOrigin = numClassesOrigin;
    this.weightCol = weightCol;
    this.validationCol = validationCol;
  }

  /** The decoded values of one row. */
  static final class Decoded {
    final float[] x;
    final float[] y;
    float weight = 1f;
    boolean validation;

    Decoded(int numFeatures, int labelDim) {
      x = new float[numFeatures];
      y = new float[labelDim];
    }
  }

  /** A buffer for {@link #decode}. */
  Decoded buffer() {
    return new Decoded(features.size(), labelDim);
  }

  /** Decodes {@code row} into {@code out}; returns null, or a problem template. */
  String decode(Row row, Decoded out) {
    String problem = features.read(row.get(0), out.x);
    if (problem != null) {
      return problem;
    }
    problem = decodeLabel(row.get(1), out.y);
    if (problem != null) {
      return problem;
    }
    int c = 2;
    if (weightCol != null) {
      Object w = row.get(c++);
      if (w == null) {
        return "column '" + weightCol + "' is null in row " + BadRowException.ROW;
      }
      double wv = ((Number) w).doubleValue();
      if (!(wv >= 0) || Double.isInfinite(wv)) {
        return "column '"
            + weightCol
            + "' has weight "
            + wv
            + " in row "
            + BadRowException.ROW
            + "; weights must be finite and >= 0";
      }
      out.weight = (float) wv;
    }
    if (validationCol != null) {
      Object v = row.get(c);
      if (v == null) {
        return "column '" + validationCol + "' is null in row " + BadRowException.ROW;
      }
      out.validation = (Boolean) v;
    }
    return null;
  }

  /** The problem of {@code row}, or null if it is valid. */
  public String problem(Row row) {
    return decode(row, buffer());
  }

  private String decodeLabel(Object label, float[] y) {
    if (label == null) {
      return "column '" + labelCol + "' is null in row " + BadRowException.ROW;
    }
    if (label instanceof scala.collection.Seq<?> seq) {
      label = scala.jdk.javaapi.CollectionConverters.asJava(seq);
    }
    if (label instanceof Vector || label instanceof List<?>) {
      return decodeLabels(label, y);
    }
    double d = ((Number) label).doubleValue();
    if (!Double.isFinite(d)) {
      return "column '"
          + labelCol
          + "' has label "
          + d
          + " in row "
          + BadRowException.ROW
          + "; labels must be finite";
    }
    if (classification) {
      if (d < 0 || d != Math.rint(d)) {
        return "column '"
            + labelCol
            + "' has label "
            + d
            + " in row "
            + BadRowException.ROW
            + "; class labels must be integers 0, 1, 2, ...";
      }
      if (numClasses > 0 && d >= numClasses) {
        return "column '"
            + labelCol
            + "' has label "
            + d
            + " in row "
            + BadRowException.ROW
            + ", too large for "
            + numClasses
            + " classes ("
            + numClassesOrigin
            + "): labels must be in [0, "
            + numClasses
            + ")";
      }
      if (d > (1 << 24)) {
        return "column '"
            + labelCol
            + "' has label "
            + d
            + " in row "
            + BadRowException.ROW
            + "; class labels must be below 2^24";
      }
    }
    y[0] = (float) d;
    return null;
  }

  /** Decodes a vector or array label of {@code labelDim} values. */
  private String decodeLabels(Object label, float[] y) {
    int size = label instanceof Vector v ? v.size() : ((List<?>) label).size();
    if (size != labelDim) {
      return "column '"
          + labelCol
          + "' has a vector of size "
          + size
          + " in row "
          + BadRowException.ROW
          + ", expected "
          + labelDim
          + " (the size of the first row)";
    }
    for (int i = 0; i < labelDim; i++) {
      Object e = label instanceof Vector v ? (Object) v.apply(i) : ((List<?>) label).get(i);
      if (!(e instanceof Number n)) {
        return "column '"
            + labelCol
            + "' has a null element at index "
            + i
            + " in row "
            + BadRowException.ROW;
      }
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        return "column '"
            + labelCol
            + "' has "
            + d
            + " at index "
            + i
            + " in row "
            + BadRowException.ROW
            + "; labels must be finite";
      }
      if (classification && d != 0 && d != 1) {
        return "column '"
            + labelCol
            + "' has "
            + d
            + " at index "
            + i
            + " in row "
            + BadRowException.ROW
            + "; a multi-label classifier's labels are 0 or 1 per class";
      }
      y[i] = (float) d;
    }
    return null;
  }

  /**
   * Converts partition {@code partition}'s rows into its training and validation blocks.
   *
   * @throws BadRowException for the first invalid row, positioned within the partition
   */
  public PartitionData build(int partition, Iterator<Row> rows) {
    boolean weighted = weightCol != null;
    BlockBuilder train = new BlockBuilder(features.size(), labelDim, weighted);
    BlockBuilder validation = new BlockBuilder(features.size(), labelDim, weighted);
    Decoded d = buffer();
    long i = 0;
    while (rows.hasNext()) {
      Row row = rows.next();
      d.validation = false;
      d.weight = 1f;
      String problem = decode(row, d);
      if (problem != null) {
        throw new BadRowException(problem, i + " of partition " + partition);
      }
      (d.validation ? validation : train).add(d.x, d.y, d.weight);
      i++;
    }
    return new PartitionData(partition, train.build(), validation.build());
  }

  /**
   * Converts partition {@code partition}'s rows lazily into chunks of at most {@code chunkRows}
   * rows each (training and validation rows of a chunk apart), so that a partition larger than
   * memory is never held whole: the chunks are built as the caller consumes them.
   *
   * @throws BadRowException (from the iterator) for the first invalid row, positioned within the
   *     partition
   */
  public Iterator<PartitionData> buildChunks(int partition, Iterator<Row> rows, int chunkRows) {
    boolean weighted = weightCol != null;
    Decoded d = buffer();
    return new Iterator<>() {
      private long index;

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public PartitionData next() {
        if (!rows.hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        BlockBuilder train = new BlockBuilder(features.size(), labelDim, weighted);
        BlockBuilder validation = new BlockBuilder(features.size(), labelDim, weighted);
        for (int n = 0; n < chunkRows && rows.hasNext(); n++) {
          d.validation = false;
          d.weight = 1f;
          String problem = decode(rows.next(), d);
          if (problem != null) {
            throw new BadRowException(problem, index + " of partition " + partition);
          }
          (d.validation ? validation : train).add(d.x, d.y, d.weight);
          index++;
        }
        return new PartitionData(partition, train.build(), validation.build());
      }
    };
  }
}
