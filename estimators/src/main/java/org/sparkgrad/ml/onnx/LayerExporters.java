package org.sparkgrad.ml.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.ml.train.BatchNormSpec;
import org.sparkgrad.ml.train.Conv2dSpec;
import org.sparkgrad.ml.train.LayerSpec;
import org.sparkgrad.ml.train.PoolSpec;

/**
 * The ONNX form of each layer type of {@link org.sparkgrad.ml.train.NetworkSpec}, one function per
 * type, at opset {@value OnnxExporter#OPSET}:
 *
 * <ul>
 *   <li>{@code linear}: {@code Gemm(x, weight, bias, transB=1)}, the weight as PyTorch stores it
 *       ({@code [out, in]});
 *   <li>{@code relu}, {@code tanh}, {@code sigmoid}: {@code Relu}, {@code Tanh}, {@code Sigmoid};
 *   <li>{@code gelu} (exact): {@code x * 0.5 * (1 + Erf(x / sqrt(2)))} ({@code Gelu} is an operator
 *       only from opset 20);
 *   <li>{@code leaky_relu}: {@code LeakyRelu(alpha=negative_slope)};
 *   <li>{@code dropout}: nothing: it is the identity at inference;
 *   <li>{@code layer_norm}: {@code LayerNormalization(x, weight, bias, axis=-1, epsilon)}, with a
 *       constant scale of ones and no bias when it has no affine parameters;
 *   <li>{@code conv2d}: {@code Conv(x, weight[, bias])} with square {@code kernel_shape}, {@code
 *       strides} and symmetric {@code pads};
 *   <li>{@code max_pool2d}, {@code avg_pool2d}: {@code MaxPool}, {@code AveragePool} with the same
 *       window attributes ({@code count_include_pad=1}, as the engine's average counts padding as
 *       zeros);
 *   <li>{@code flatten}: {@code Flatten(axis=1)};
 *   <li>{@code batch_norm1d}, {@code batch_norm2d}: {@code BatchNormalization(x, weight, bias,
 *       running_mean, running_var, epsilon)} in inference mode, normalising with the trained
 *       running statistics as evaluation mode does (a scale of ones and a bias of zeros without
 *       affine parameters); one without running statistics ({@code track_running_stats: false})
 *       normalises each batch with its own statistics and does not export;
 *   <li>{@code embedding}: {@code Gather(weight, Cast(x, to=INT64), axis=0)}: the float features
 *       are the indices, as the engine reads them.
 * </ul>
 *
 * A network with an {@code inputShape} starts with {@code Reshape(x, [-1, inputShape...])} ({@link
 * OnnxExporter}). User modules do not export.
 *
 * <p>A layer type missing here does not export: {@link OnnxExporter} says which layer it is.
 */
public final class LayerExporters {
  private LayerExporters() {}

  /** Every layer type that exports, by {@link LayerSpec#type()}, in the order documented above. */
  public static Map<String, LayerExporter> all() {
    Map<String, LayerExporter> m = new LinkedHashMap<>();
    m.put("linear", LayerExporters::linear);
    m.put("relu", (layer, ctx) -> ctx.output("Relu", List.of(ctx.input())));
    m.put("tanh", (layer, ctx) -> ctx.output("Tanh", List.of(ctx.input())));
    m.put("sigmoid", (layer, ctx) -> ctx.output("Sigmoid", List.of(ctx.input())));
    m.put("gelu", LayerExporters::gelu);
    m.put("leaky_relu", LayerExporters::leakyRelu);
    m.put("dropout", (layer, ctx) -> ctx.input());
    m.put("layer_norm", LayerExporters::layerNorm);
    m.put("conv2d", LayerExporters::conv2d);
    m.put("max_pool2d", LayerExporters::pool);
    m.put("avg_pool2d", LayerExporters::pool);
    m.put("flatten", (layer, ctx) -> ctx.output("Flatten", List.of(ctx.input()), attr("axis", 1L)));
    m.put("batch_norm1d", LayerExporters::batchNorm);
    m.put("batch_norm2d", LayerExporters::batchNorm);
    m.put("embedding", LayerExporters::embedding);
    return Collections.unmodifiableMap(m);
  }

  private static String linear(LayerSpec layer, LayerContext ctx) {
    LayerSpec.Linear lin = (LayerSpec.Linear) layer;
    String w = ctx.param("weight");
    return lin.bias()
        ? ctx.output(
            "Gemm", List.of(ctx.input(), w, ctx.param("bias")), OnnxGraph.attr("transB", 1L))
        : ctx.output("Gemm", List.of(ctx.input(), w), OnnxGraph.attr("transB", 1L));
  }

  private static String embedding(LayerSpec layer, LayerContext ctx) {
    String indices =
        ctx.node(
            "indices",
            "Cast",
            List.of(ctx.input()),
            attr("to", (long) TensorProto.DataType.INT64_VALUE));
    return ctx.output("Gather", List.of(ctx.param("weight"), indices), attr("axis", 0L));
  }

  private static String conv2d(LayerSpec layer, LayerContext ctx) {
    Conv2dSpec c = (Conv2dSpec) layer;
    List<String> inputs =
        c.bias()
            ? List.of(ctx.input(), ctx.param("weight"), ctx.param("bias"))
            : List.of(ctx.input(), ctx.param("weight"));
    return ctx.output("Conv", inputs, window(c.kernelSize(), c.stride(), c.padding()));
  }

  private static String pool(LayerSpec layer, LayerContext ctx) {
    PoolSpec p = (PoolSpec) layer;
    AttributeProto[] w = window(p.kernelSize(), p.stride(), p.padding());
    if (p.type().equals("max_pool2d")) {
      return ctx.output("MaxPool", List.of(ctx.input()), w);
    }
    return ctx.output(
        "AveragePool", List.of(ctx.input()), w[0], w[1], w[2], attr("count_include_pad", 1L));
  }

  /** The kernel shape, step and padding attributes of a square window, in ONNX's names. */
  private static AttributeProto[] window(int kernel, int stride, int padding) {
    return new AttributeProto[] {
      OnnxGraph.attrs("kernel_shape", kernel, kernel),
      OnnxGraph.attrs("strides", stride, stride),
      OnnxGraph.attrs("pads", padding, padding, padding, padding)
    };
  }

  private static AttributeProto attr(String name, long value) {
    return OnnxGraph.attr(name, value);
  }

  private static String batchNorm(LayerSpec layer, LayerContext ctx) {
    BatchNormSpec bn = (BatchNormSpec) layer;
    if (!bn.trackRunningStats()) {
      throw new IllegalArgumentException(
          "network layer "
              + ctx.index()
              + " ("
              + bn.type()
              + ") has track_running_stats false: it normalises each batch with the batch's own"
              + " statistics even when scoring, which ONNX's BatchNormalization does not do");
    }
    int c = bn.numFeatures();
    String scale;
    String bias;
    if (bn.affine()) {
      scale = ctx.param("weight");
      bias = ctx.param("bias");
    } else {
      float[] ones = new float[c];
      java.util.Arrays.fill(ones, 1f);
      scale = ctx.constant("scale", ones, c);
      bias = ctx.constant("bias", new float[c], c);
    }
    ctx.notNeeded("num_batches_tracked");
    return ctx.output(
        "BatchNormalization",
        List.of(ctx.input(), scale, bias, ctx.param("running_mean"), ctx.param("running_var")),
        OnnxGraph.attr("epsilon", (float) bn.eps()));
  }

  private static String gelu(LayerSpec layer, LayerContext ctx) {
    String x = ctx.input();
    String scaled = ctx.node("div", "Div", List.of(x, ctx.scalar("sqrt2", (float) Math.sqrt(2))));
    String erf = ctx.node("erf", "Erf", List.of(scaled));
    String onePlus = ctx.node("add", "Add", List.of(erf, ctx.scalar("one", 1f)));
    String times = ctx.node("mul", "Mul", List.of(x, onePlus));
    return ctx.output("Mul", List.of(times, ctx.scalar("half", 0.5f)));
  }

  private static String leakyRelu(LayerSpec layer, LayerContext ctx) {
    float slope = (float) ((LayerSpec.LeakyRelu) layer).negativeSlope();
    return ctx.output("LeakyRelu", List.of(ctx.input()), OnnxGraph.attr("alpha", slope));
  }

  private static String layerNorm(LayerSpec layer, LayerContext ctx) {
    LayerSpec.LayerNormSpec ln = (LayerSpec.LayerNormSpec) layer;
    String scale;
    String bias;
    if (ln.elementwiseAffine()) {
      scale = ctx.param("weight");
      bias = ctx.param("bias");
    } else {
      float[] ones = new float[ln.normalizedShape()];
      java.util.Arrays.fill(ones, 1f);
      scale = ctx.constant("scale", ones, ln.normalizedShape());
      bias = "";
    }
    return ctx.output(
        "LayerNormalization",
        bias.isEmpty() ? List.of(ctx.input(), scale) : List.of(ctx.input(), scale, bias),
        OnnxGraph.attr("axis", -1L),
        OnnxGraph.attr("epsilon", (float) ln.eps()));
  }
}
