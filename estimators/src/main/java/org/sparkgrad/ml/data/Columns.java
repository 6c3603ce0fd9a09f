package org.sparkgrad.ml.data;

import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Schema checks of the input and output columns, with messages naming the param and column. */
public final class Columns {
  private Columns() {}

  /** The field named {@code column}, or an error naming {@code param} and the columns there are. */
  public static StructField field(StructType schema, String column, String param) {
    if (!Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(
          param
              + ": column '"
              + column
              + "' does not exist; the DataFrame has columns "
              + Arrays.toString(schema.fieldNames()));
    }
    return schema.apply(column);
  }

  /** True for the ML vector type. */
  public static boolean isVector(DataType t) {
    return t.equals(SQLDataTypes.VectorType());
  }

  /**
   * Checks that {@code column} holds ML vectors, arrays of floats or doubles, or Spark's image
   * struct.
   */
  public static StructField requireFeatures(StructType schema, String column, String param) {
    StructField f = field(schema, column, param);
    InputColumn.Kind k = inputKind(f.dataType());
    if (k == null || k == InputColumn.Kind.INDEX) {
      throw new IllegalArgumentException(
          param
              + ": column '"
              + column
              + "' must be an ML Vector, an array<float> or array<double>, or the image column of"
              + " Spark's image data source, got "
              + f.dataType().simpleString());
    }
    return f;
  }

  /**
   * The kind of input column {@code column} is, one of several feature columns ({@code param}).
   *
   * @throws IllegalArgumentException naming the param and column when it is none of them
   */
  public static InputColumn.Kind requireInput(StructType schema, String column, String param) {
    StructField f = field(schema, column, param);
    InputColumn.Kind k = inputKind(f.dataType());
    if (k == null) {
      throw new IllegalArgumentException(
          param
              + ": column '"
              + column
              + "' must be an ML Vector, an array<float> or array<double>, Spark's image struct,"
              + " or an integer column (byte, short, int, long: indices, as an Embedding takes),"
              + " got "
              + f.dataType().simpleString());
    }
    return k;
  }

  /** How a column of type {@code t} is read as an input, or null if it cannot be. */
  public static InputColumn.Kind inputKind(DataType t) {
    if (isVector(t)
        || (t instanceof ArrayType a
            && (a.elementType() instanceof FloatType || a.elementType() instanceof DoubleType))) {
      return InputColumn.Kind.VECTOR;
    }
    if (ImageRows.isImage(t)) {
      return InputColumn.Kind.IMAGE;
    }
    if (t instanceof org.apache.spark.sql.types.ByteType
        || t instanceof org.apache.spark.sql.types.ShortType
        || t instanceof org.apache.spark.sql.types.IntegerType
        || t instanceof org.apache.spark.sql.types.LongType) {
      return InputColumn.Kind.INDEX;
    }
    return null;
  }

  /**
   * Checks that {@code column} is numeric (or, if {@code vectorOk}, an ML vector). The message
   * carries MLlib's wording ({@code Column label must be of type numeric but was actually of type
   * string}), which users search for, after the param's name.
   */
  public static StructField requireNumeric(
      StructType schema, String column, String param, boolean vectorOk) {
    StructField f = field(schema, column, param);
    DataType t = f.dataType();
    if (!(t instanceof NumericType) && !(vectorOk && isVector(t))) {
      throw new IllegalArgumentException(
          param
              + ": Column "
              + column
              + " must be of type numeric but was actually of type "
              + t.catalogString()
              + "."
              + (vectorOk ? " An ML Vector (one label per network output) is accepted too." : ""));
    }
    return f;
  }

  /** True for an array of numbers. */
  public static boolean isNumericArray(DataType t) {
    return t instanceof ArrayType a && a.elementType() instanceof NumericType;
  }

  /** True for a label column that holds several values per row: an ML vector or numeric array. */
  public static boolean isMultiValued(DataType t) {
    return isVector(t) || isNumericArray(t);
  }

  /**
   * Checks that a label column is numeric, an ML vector or an array of numbers (several label
   * values per row: a regressor's outputs, or a multi-label classifier's 0/1 per class), with
   * MLlib's wording as {@link #requireNumeric}.
   */
  public static StructField requireLabel(StructType schema, String column, String param) {
    StructField f = field(schema, column, param);
    DataType t = f.dataType();
    if (!(t instanceof NumericType) && !isMultiValued(t)) {
      throw new IllegalArgumentException(
          param
              + ": Column "
              + column
              + " must be of type numeric but was actually of type "
              + t.catalogString()
              + ". An ML Vector or an array of numbers (several label values per row) is"
              + " accepted too.");
    }
    return f;
  }

  /** Checks that {@code column} is boolean. */
  public static StructField requireBoolean(StructType schema, String column, String param) {
    StructField f = field(schema, column, param);
    if (!(f.dataType() instanceof BooleanType)) {
      throw new IllegalArgumentException(
          param
              + ": column '"
              + column
              + "' must be boolean (true marks a validation row), got "
              + f.dataType().simpleString());
    }
    return f;
  }

  /** Checks that output column {@code column} does not exist yet. */
  public static void requireAbsent(StructType schema, String column, String param) {
    if (Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(
          param + ": output column '" + column + "' already exists in the DataFrame");
    }
  }
}
