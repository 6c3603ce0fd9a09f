package org.sparkgrad.ml.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.sparkgrad.ml.train.LayerSpec;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.tensor.Tensor;

/**
 * Writes a trained {@link NetworkSpec} as an ONNX model: one float32 input {@code [N, numFeatures]}
 * with a dynamic batch dimension, the layers through {@link LayerExporters}, the weights as
 * initializers with their state-dict names ({@code 0.weight}, ...), and the model's outputs ({@link
 * OnnxOutputs}). ONNX opset {@value #OPSET} (which has {@code LayerNormalization}) and IR version
 * {@value #IR_VERSION}, both of which ONNX Runtime 1.14 and later run.
 */
public final class OnnxExporter {
  /** The ONNX operator set the graph uses. */
  public static final int OPSET = 17;

  /** The ONNX IR version that goes with {@link #OPSET}. */
  public static final int IR_VERSION = 8;

  private final Map<String, LayerExporter> exporters;

  /** An exporter of every layer type in {@link LayerExporters#all()}. */
  public OnnxExporter() {
    this(LayerExporters.all());
  }

  /** An exporter of the layer types in {@code exporters} (by {@link LayerSpec#type()}). */
  public OnnxExporter(Map<String, LayerExporter> exporters) {
    this.exporters = Map.copyOf(exporters);
  }

  /**
   * The ONNX model of {@code spec} with trained weights {@code stateDict}, as bytes.
   *
   * @param inputName the name of the graph input (the model's features column)
   * @throws IllegalArgumentException naming the index and type of a layer that does not export, or
   *     if the input and output names clash
   * @throws IllegalStateException if the weights do not match the layers
   */
  public byte[] export(
      NetworkSpec spec, Map<String, Tensor> stateDict, String inputName, OnnxOutputs outputs) {
    if (spec.userModule() != null) {
      throw new IllegalArgumentException(
          "cannot export a user module ("
              + spec.userModule().className()
              + ") to ONNX: its forward is Java code, not a network spec; only networks given by"
              + " the network param or hiddenLayers export");
    }
    List<LayerSpec> layers = spec.layers();
    for (int i = 0; i < layers.size(); i++) {
      String type = layers.get(i).type();
      if (!exporters.containsKey(type)) {
        throw new IllegalArgumentException(
            "cannot export network layer "
                + i
                + " ("
                + type
                + ") to ONNX: no ONNX exporter for layer type '"
                + type
                + "'; layer types that export: "
                + new TreeSet<>(exporters.keySet()));
      }
    }
    OnnxGraph graph = new OnnxGraph("sparkgrad");
    graph.input(inputName, TensorProto.DataType.FLOAT_VALUE, -1, spec.inputSize());
    Set<String> used = new HashSet<>();
    String value = inputName;
    int[] shape = spec.inputShape();
    if (shape != null) {
      long[] dims = new long[shape.length + 1];
      dims[0] = -1;
      for (int i = 0; i < shape.length; i++) {
        dims[i + 1] = shape[i];
      }
      value =
          graph.node(
              "Reshape", "input_shaped", List.of(inputName, graph.longs("input_shape", dims)));
    }
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec layer = layers.get(i);
      LayerContext ctx = new LayerContext(graph, stateDict, used, i, layer.type(), value);
      value = exporters.get(layer.type()).export(layer, ctx);
    }
    Set<String> unused = new TreeSet<>(stateDict.keySet());
    unused.removeAll(used);
    if (!unused.isEmpty()) {
      throw new IllegalStateException(
          "the ONNX graph does not use the model's parameters " + unused);
    }
    if (value.equals(inputName)) {
      value = graph.node("Identity", "network", List.of(inputName));
    }
    outputs.add(graph, value, spec.outputSize());
    return graph.model(IR_VERSION, OPSET, "sparkgrad", "network: " + spec.toJson()).toByteArray();
  }
}
