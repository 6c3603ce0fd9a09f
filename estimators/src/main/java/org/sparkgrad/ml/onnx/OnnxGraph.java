package org.sparkgrad.ml.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An ONNX graph under construction: nodes, initializers (weights and constants), the graph's inputs
 * and outputs, and the model around it. Every value name is used once; a second use is a bug in an
 * exporter and fails at once, naming the value.
 */
public final class OnnxGraph {
  /** The name of the batch dimension, which is dynamic. */
  public static final String BATCH = "N";

  private final GraphProto.Builder graph;
  private final Set<String> names = new HashSet<>();

  /** An empty graph named {@code name}. */
  public OnnxGraph(String name) {
    this.graph = GraphProto.newBuilder().setName(name);
  }

  /**
   * Adds a node {@code opType(inputs) -> output}; an empty input name stands for an omitted
   * optional input.
   *
   * @return {@code output}
   */
  public String node(String opType, String output, List<String> inputs, AttributeProto... attrs) {
    claim(output);
    graph.addNode(
        NodeProto.newBuilder()
            .setOpType(opType)
            .setName(output)
            .addAllInput(inputs)
            .addOutput(output)
            .addAllAttribute(List.of(attrs)));
    return output;
  }

  /** Adds a float32 initializer of shape {@code shape} (row-major {@code values}). */
  public String floats(String name, float[] values, int... shape) {
    long n = 1;
    for (int s : shape) {
      n *= s;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          "initializer '" + name + "' has " + values.length + " values for a shape of " + n);
    }
    ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(buf.array()));
    for (int s : shape) {
      t.addDims(s);
    }
    return initializer(t);
  }

  /** Adds a one-dimensional int64 initializer (axes, shapes). */
  public String longs(String name, long... values) {
    return initializer(
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(values.length)
            .addAllInt64Data(java.util.Arrays.stream(values).boxed().toList()));
  }

  private String initializer(TensorProto.Builder t) {
    claim(t.getName());
    graph.addInitializer(t);
    return t.getName();
  }

  /** Declares a graph input; a dimension of -1 is the dynamic batch dimension {@link #BATCH}. */
  public void input(String name, int elemType, int... dims) {
    claim(name);
    graph.addInput(valueInfo(name, elemType, dims));
  }

  /**
   * Declares an existing value as a graph output; a dimension of -1 is {@link #BATCH}.
   *
   * @throws IllegalArgumentException if no node or input made {@code name}
   */
  public void output(String name, int elemType, int... dims) {
    if (!names.contains(name)) {
      throw new IllegalArgumentException("ONNX graph has no value '" + name + "' to output");
    }
    graph.addOutput(valueInfo(name, elemType, dims));
  }

  private static ValueInfoProto valueInfo(String name, int elemType, int... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (int d : dims) {
      shape.addDim(
          d < 0
              ? TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH)
              : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }

  private void claim(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("ONNX value names must not be empty");
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("ONNX value name '" + name + "' is used twice");
    }
  }

  /** The model: this graph, the default ONNX domain at {@code opset}, and {@code irVersion}. */
  public ModelProto model(long irVersion, long opset, String producer, String doc) {
    return ModelProto.newBuilder()
        .setIrVersion(irVersion)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setProducerName(producer)
        .setDocString(doc)
        .setGraph(graph)
        .build();
  }

  /** An integer attribute. */
  public static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  /** A float attribute. */
  public static AttributeProto attr(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  /** A list-of-integers attribute. */
  public static AttributeProto attrs(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }
}
