package org.sparkgrad.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.StructType;
import org.sparkgrad.ml.data.Columns;
import org.sparkgrad.ml.data.FeatureReader;
import org.sparkgrad.ml.data.InputColumn;
import org.sparkgrad.ml.train.NetworkInput;
import org.sparkgrad.ml.train.NetworkSpec;

/**
 * The feature columns a model scores, read as its fit read them: {@code featuresCol} (a vector or
 * an image), or the {@code featuresCols} of a module of several inputs, each checked against the
 * input the model was fit on.
 */
final class ScoringInputs {
  private ScoringInputs() {}

  /**
   * Checks the feature columns of {@code schema}.
   *
   * @throws IllegalArgumentException as {@link #reader}
   */
  static void check(NeuralNetParams p, NetworkSpec spec, StructType schema) {
    reader(p, spec, schema);
  }

  /**
   * The reader of {@code p}'s feature columns in {@code schema} for a model of {@code spec}.
   *
   * @throws IllegalArgumentException naming the param and the column when a column is missing or of
   *     the wrong type, or when the number of columns is not the model's number of inputs
   */
  static FeatureReader reader(NeuralNetParams p, NetworkSpec spec, StructType schema) {
    String[] cols = p.getFeaturesCols();
    List<NetworkInput> inputs = spec.inputs();
    if (cols.length == 0) {
      if (!inputs.isEmpty()) {
        throw new IllegalArgumentException(
            "featuresCols: the model's module takes "
                + inputs.size()
                + " inputs; set featuresCols to the columns it was fit on");
      }
      String col = p.getFeaturesCol();
      InputColumn.Kind kind =
          Columns.inputKind(Columns.requireFeatures(schema, col, "featuresCol").dataType());
      int[] shape = spec.inputShape();
      if (kind == InputColumn.Kind.IMAGE) {
        int[] chw = shape != null && shape.length == 3 ? shape : new int[] {spec.inputSize()};
        return FeatureReader.of(new InputColumn(col, kind, chw, "the model's input shape", 0));
      }
      return new FeatureReader(col, spec.inputSize(), "the model's input size")
          .withIndices(spec.embeddingIndices());
    }
    if (cols.length != inputs.size()) {
      throw new IllegalArgumentException(
          "featuresCols: "
              + Arrays.toString(cols)
              + " are "
              + cols.length
              + " columns, but the model takes "
              + (inputs.isEmpty()
                  ? "one features vector (featuresCol)"
                  : inputs.size() + " inputs"));
    }
    List<InputColumn> read = new ArrayList<>();
    for (int i = 0; i < cols.length; i++) {
      InputColumn.Kind kind = Columns.requireInput(schema, cols[i], "featuresCols");
      NetworkInput in = inputs.get(i);
      if ((kind == InputColumn.Kind.INDEX) != in.index()) {
        throw new IllegalArgumentException(
            "featuresCols: column '"
                + cols[i]
                + "' is input "
                + i
                + " of the model, which takes "
                + (in.index() ? "int64 indices (an integer column)" : "floats (a vector or image)")
                + " there, but the column is "
                + schema.apply(cols[i]).dataType().simpleString());
      }
      read.add(
          new InputColumn(cols[i], kind, in.shape(), "the model's input " + i, in.indexLimit()));
    }
    return FeatureReader.packed(read);
  }
}
