package org.sparkgrad.ml.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The feature columns of a fit as {@link InputColumn}s: each column's kind from its type, and its
 * row shape from the column's ML metadata where present, else from the first row (a vector's size,
 * an image's {@code [C, H, W]}); an index column holds one value per row.
 */
final class FeatureInputs {
  private FeatureInputs() {}

  /**
   * The kinds of {@code columns}, checked against {@code schema}: with one column ({@code
   * featuresCol}) a vector or an image, with several ({@code featuresCols}) also integer columns.
   *
   * @throws IllegalArgumentException naming the param and the column of a missing or mistyped
   *     column, or a column given twice
   */
  static List<InputColumn.Kind> kinds(StructType schema, List<String> columns, boolean several) {
    List<InputColumn.Kind> kinds = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      String c = columns.get(i);
      if (columns.indexOf(c) != i) {
        throw new IllegalArgumentException(
            "featuresCols: column '" + c + "' is given twice; each column is one input");
      }
      kinds.add(
          several
              ? Columns.requireInput(schema, c, "featuresCols")
              : Columns.inputKind(Columns.requireFeatures(schema, c, "featuresCol").dataType()));
    }
    return kinds;
  }

  /**
   * The inputs of {@code columns} of {@code kinds}, sized by the metadata of their fields in {@code
   * schema} or by {@code first}, whose values {@code 0..columns.size()-1} are theirs.
   *
   * @throws IllegalArgumentException naming the column that is null in the first row or has no
   *     values
   */
  static List<InputColumn> inspect(
      StructType schema, List<String> columns, List<InputColumn.Kind> kinds, Row first) {
    List<InputColumn> out = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      String c = columns.get(i);
      InputColumn.Kind kind = kinds.get(i);
      if (kind == InputColumn.Kind.INDEX) {
        out.add(new InputColumn(c, kind, new int[0], "one index per row", 0));
        continue;
      }
      StructField f = schema.apply(c);
      if (kind == InputColumn.Kind.VECTOR && Columns.isVector(f.dataType())) {
        int size = AttributeGroup.fromStructField(f).size();
        if (size > 0) {
          out.add(
              new InputColumn(c, kind, new int[] {size}, "the size in the column's metadata", 0));
          continue;
        }
      }
      Object v = first.get(i);
      if (v == null) {
        throw new IllegalArgumentException("column '" + c + "' is null in row 0");
      }
      if (kind == InputColumn.Kind.IMAGE) {
        Row image = (Row) v;
        int[] shape = ImageRows.shape(image);
        if (shape[0] < 1 || shape[1] < 1 || shape[2] < 1) {
          throw new IllegalArgumentException(
              "column '"
                  + c
                  + "' has an empty image in row 0 (origin "
                  + ImageRows.origin(image)
                  + ")");
        }
        out.add(
            new InputColumn(
                c, kind, shape, "the size of the first image, " + ImageRows.origin(image), 0));
        continue;
      }
      int size = v instanceof Vector vec ? vec.size() : first.getList(i).size();
      if (size == 0) {
        throw new IllegalArgumentException(
            "column '" + c + "' has vectors of size 0: there are no features");
      }
      out.add(new InputColumn(c, kind, new int[] {size}, "the size of the first row", 0));
    }
    return out;
  }
}
