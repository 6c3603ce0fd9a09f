package org.sparkgrad.ml.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;

/**
 * The graph outputs computed from the network's last value ({@code [N, width]} floats), named like
 * the model's output columns; a column name that is empty leaves its output out, as it leaves the
 * column out of {@code transform}.
 */
public sealed interface OnnxOutputs {
  /** Adds the output nodes and declares the graph outputs. */
  void add(OnnxGraph graph, String network, int width);

  /** Fails when every output column of a classifier is empty: the graph would have no output. */
  private static void requireAnyColumn(String raw, String probability, String prediction) {
    if (raw.isEmpty() && probability.isEmpty() && prediction.isEmpty()) {
      throw new IllegalArgumentException(
          "the model has no output column to export: rawPredictionCol, probabilityCol and"
              + " predictionCol are all empty");
    }
  }

  /** Declares {@code column} as the int64 {@code [N]} index of the first largest of {@code x}. */
  private static void argMaxPrediction(OnnxGraph graph, String column, String x) {
    graph.node(
        "ArgMax", column, List.of(x), OnnxGraph.attr("axis", 1L), OnnxGraph.attr("keepdims", 0L));
    graph.output(column, TensorProto.DataType.INT64_VALUE, -1);
  }

  /**
   * A classifier's outputs, as its {@code transform} computes them: the raw prediction, the logits
   * shifted to mean 0 ({@code [N, C]} float); the probability, their softmax ({@code [N, C]}
   * float); the prediction, the index of the first largest logit ({@code [N]} int64, where Spark's
   * column holds the same index as a double).
   */
  record Classifier(String rawPredictionCol, String probabilityCol, String predictionCol)
      implements OnnxOutputs {
    @Override
    public void add(OnnxGraph graph, String network, int width) {
      requireAnyColumn(rawPredictionCol, probabilityCol, predictionCol);
      int f = TensorProto.DataType.FLOAT_VALUE;
      if (!rawPredictionCol.isEmpty()) {
        String mean =
            graph.node(
                "ReduceMean",
                "outputs/logit_mean",
                List.of(network),
                OnnxGraph.attrs("axes", 1),
                OnnxGraph.attr("keepdims", 1L));
        graph.node("Sub", rawPredictionCol, List.of(network, mean));
        graph.output(rawPredictionCol, f, -1, width);
      }
      if (!probabilityCol.isEmpty()) {
        graph.node("Softmax", probabilityCol, List.of(network), OnnxGraph.attr("axis", 1L));
        graph.output(probabilityCol, f, -1, width);
      }
      if (!predictionCol.isEmpty()) {
        argMaxPrediction(graph, predictionCol, network);
      }
    }
  }

  /**
   * The outputs of a classifier trained with {@code bce_with_logits}, as its {@code transform}
   * computes them from the sigmoid logits {@code z}. Binary (one logit): the raw prediction {@code
   * [-z/2, z/2]} and the probability {@code [sigmoid(-z), sigmoid(z)]} ({@code [N, 2]} float), the
   * prediction 1 where {@code z > 0}, else 0 ({@code [N]} int64, the index as the cross-entropy
   * classifier gives it). Multi-label (one logit per label): the raw prediction the logits, the
   * probability each label's sigmoid, the prediction 1 where {@code z > 0}, else 0, per label
   * ({@code [N, L]} float each, as the column's vectors).
   */
  record SigmoidClassifier(
      String rawPredictionCol, String probabilityCol, String predictionCol, boolean multiLabel)
      implements OnnxOutputs {
    @Override
    public void add(OnnxGraph graph, String network, int width) {
      requireAnyColumn(rawPredictionCol, probabilityCol, predictionCol);
      if (multiLabel) {
        addMultiLabel(graph, network, width);
      } else {
        addBinary(graph, network);
      }
    }

    private void addBinary(OnnxGraph graph, String z) {
      int f = TensorProto.DataType.FLOAT_VALUE;
      String signs = graph.floats("outputs/signs", new float[] {-1f, 1f}, 1, 2);
      String both = graph.node("Mul", "outputs/signed_logits", List.of(z, signs));
      if (!rawPredictionCol.isEmpty()) {
        String half = graph.floats("outputs/half", new float[] {0.5f});
        graph.node("Mul", rawPredictionCol, List.of(both, half));
        graph.output(rawPredictionCol, f, -1, 2);
      }
      if (!probabilityCol.isEmpty()) {
        graph.node("Sigmoid", probabilityCol, List.of(both));
        graph.output(probabilityCol, f, -1, 2);
      }
      if (!predictionCol.isEmpty()) {
        argMaxPrediction(graph, predictionCol, both);
      }
    }

    private void addMultiLabel(OnnxGraph graph, String z, int width) {
      int f = TensorProto.DataType.FLOAT_VALUE;
      if (!rawPredictionCol.isEmpty()) {
        graph.node("Identity", rawPredictionCol, List.of(z));
        graph.output(rawPredictionCol, f, -1, width);
      }
      if (!probabilityCol.isEmpty()) {
        graph.node("Sigmoid", probabilityCol, List.of(z));
        graph.output(probabilityCol, f, -1, width);
      }
      if (!predictionCol.isEmpty()) {
        String zero = graph.floats("outputs/zero", new float[] {0f});
        String above = graph.node("Greater", "outputs/above_zero", List.of(z, zero));
        graph.node("Cast", predictionCol, List.of(above), OnnxGraph.attr("to", (long) f));
        graph.output(predictionCol, f, -1, width);
      }
    }
  }

  /**
   * A regressor's {@code prediction}: {@code [N]} float for a number column, {@code [N, width]}
   * float for a vector column; the network's outputs times {@code labelStd} plus {@code labelMean}
   * when the fit standardised the label (both null when it did not).
   */
  record Regressor(
      String predictionCol, boolean vector, List<Float> labelMean, List<Float> labelStd)
      implements OnnxOutputs {
    /** A regressor whose label was not scaled. */
    public Regressor(String predictionCol, boolean vector) {
      this(predictionCol, vector, null, null);
    }

    private static float[] floats(List<Float> values) {
      float[] f = new float[values.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = values.get(i);
      }
      return f;
    }

    @Override
    public void add(OnnxGraph graph, String network, int width) {
      if (predictionCol.isEmpty()) {
        throw new IllegalArgumentException(
            "the model has no output column to export: predictionCol is empty");
      }
      if (labelStd != null) {
        String std = graph.floats("outputs/label_std", floats(labelStd), 1, width);
        String mean = graph.floats("outputs/label_mean", floats(labelMean), 1, width);
        String scaled = graph.node("Mul", "outputs/scaled", List.of(network, std));
        network = graph.node("Add", "outputs/unscaled", List.of(scaled, mean));
      }
      int f = TensorProto.DataType.FLOAT_VALUE;
      if (vector) {
        graph.node("Identity", predictionCol, List.of(network));
        graph.output(predictionCol, f, -1, width);
      } else {
        String axes = graph.longs("outputs/squeeze_axes", 1);
        graph.node("Squeeze", predictionCol, List.of(network, axes));
        graph.output(predictionCol, f, -1);
      }
    }
  }
}
