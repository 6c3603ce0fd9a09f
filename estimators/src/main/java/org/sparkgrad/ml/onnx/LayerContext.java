package org.sparkgrad.ml.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparkgrad.tensor.Tensor;

/**
 * What a {@link LayerExporter} sees of the network being exported: the layer's index and input
 * value, its trained parameters by state-dict name, and the graph to add nodes to. Value names
 * inside layer {@code i} of type {@code t} are {@code layers.i.t}, {@code layers.i.t/part}, so an
 * ONNX viewer shows which layer each node belongs to.
 */
public final class LayerContext {
  private final OnnxGraph graph;
  private final Map<String, Tensor> stateDict;
  private final Set<String> used;
  private final int index;
  private final String type;
  private final String input;

  LayerContext(
      OnnxGraph graph,
      Map<String, Tensor> stateDict,
      Set<String> used,
      int index,
      String type,
      String input) {
    this.graph = graph;
    this.stateDict = stateDict;
    this.used = used;
    this.index = index;
    this.type = type;
    this.input = input;
  }

  /** The layer's position in the network (its state-dict prefix). */
  public int index() {
    return index;
  }

  /** The name of the layer's input value. */
  public String input() {
    return input;
  }

  /** Whether the layer has a trained parameter {@code name} ({@code weight}, {@code bias}). */
  public boolean hasParam(String name) {
    return stateDict.containsKey(index + "." + name);
  }

  /**
   * Adds the layer's trained parameter {@code name} as an initializer named as in the state dict
   * ({@code 0.weight}), with the parameter's shape.
   *
   * @throws IllegalStateException if the model has no such parameter
   */
  public String param(String name) {
    String key = index + "." + name;
    Tensor t = stateDict.get(key);
    if (t == null) {
      throw new IllegalStateException(
          "network layer " + index + " (" + type + ") has no parameter '" + key + "' to export");
    }
    used.add(key);
    return graph.floats(key, t.toFloatArray(), t.shape());
  }

  /**
   * Declares the layer's state-dict entry {@code name} as one inference does not read (batch norm's
   * {@code num_batches_tracked}), so the exporter's check that every entry is used passes.
   */
  public void notNeeded(String name) {
    used.add(index + "." + name);
  }

  /** Adds a constant float32 tensor of this layer, named {@code layers.i.t/part}. */
  public String constant(String part, float[] values, int... shape) {
    return graph.floats(name(part), values, shape);
  }

  /** Adds a scalar float32 constant of this layer. */
  public String scalar(String part, float value) {
    return graph.floats(name(part), new float[] {value});
  }

  /** Adds the node that produces the layer's output value, named {@code layers.i.t}. */
  public String output(String opType, List<String> inputs, AttributeProto... attrs) {
    return graph.node(opType, name(""), inputs, attrs);
  }

  /** Adds an inner node of the layer, whose value is named {@code layers.i.t/part}. */
  public String node(String part, String opType, List<String> inputs, AttributeProto... attrs) {
    return graph.node(opType, name(part), inputs, attrs);
  }

  private String name(String part) {
    String base = "layers." + index + "." + type;
    return part.isEmpty() ? base : base + "/" + part;
  }
}
