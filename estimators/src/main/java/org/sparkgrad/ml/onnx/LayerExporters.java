package org.sparkgrad.ml.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkgrad.ml.train.LayerSpec;

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
 *       constant scale of ones and no bias when it has no affine parameters.
 * </ul>
 *
 * A layer type missing here does not export: {@link OnnxExporter} says which layer it is.
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
