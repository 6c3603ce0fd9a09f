package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.sparkgrad.util.StrictJson;

/**
 * Every op against PyTorch 1.13: outputs and gradients of the cases in {@code golden/ops.json},
 * computed by {@code gen_golden.py} beside it, recomputed here in float32 from the same inputs.
 *
 * <p>For each case the gradient checked is that of {@code (out * w).sum()} with respect to each
 * input that requires grad, for the case's fixed random weight {@code w} of the output's shape, so
 * that every output element gets a different upstream gradient. The reference values are what
 * PyTorch computes in float64 from the same float32 inputs and weight, so they are exact to about
 * {@code 1e-16} and the whole tolerance is Sparkgrad's float32 error.
 *
 * <p><b>Tolerance.</b> A Sparkgrad value {@code a} matches the reference {@code b} when
 *
 * <pre>{@code |a - b| <= 1e-5 * max(|b|, s / 10)}</pre>
 *
 * where {@code s} is the largest {@code |b|} in the same output or gradient tensor: a relative
 * error of {@code 1e-5}, with an absolute floor of {@code 1e-6 * s}. The floor is needed because a
 * float32 sum (a matrix product, a reduction, a broadcast gradient) carries a rounding error
 * proportional to the size of its terms, not of its result, and an element that is small through
 * cancellation can only be compared at the scale of its tensor: float32's epsilon {@code 6e-8}
 * times the 16 terms of the largest sum here is {@code 1e-6}. A wrong formula is off by far more.
 * Shapes and dtypes must be equal, and int64 outputs (argmax) exactly equal. A failure names the
 * case, whether the output or which gradient, and the element.
 */
class GoldenValuesTest {
  private static final double RTOL = 1e-5;

  /** The floor of the relative comparison, as a fraction of the tensor's largest magnitude. */
  private static final double SCALE_FLOOR = 0.1;

  /** Case name to the Sparkgrad computation; the inputs are in the case's order. */
  private static final Map<String, Function<Tensor[], Tensor>> OPS = ops();

  private static Map<String, Function<Tensor[], Tensor>> ops() {
    Map<String, Function<Tensor[], Tensor>> m = new LinkedHashMap<>();
    m.put("add_same_shape", a -> a[0].add(a[1]));
    m.put("add_broadcast_row", a -> a[0].add(a[1]));
    m.put("add_broadcast_both", a -> a[0].add(a[1]));
    m.put("sub_broadcast", a -> a[0].sub(a[1]));
    m.put("mul_broadcast", a -> a[0].mul(a[1]));
    m.put("div_broadcast", a -> a[0].div(a[1]));
    m.put("div_same_shape", a -> a[0].div(a[1]));
    m.put("scalar_arithmetic", a -> a[0].add(2.5).mul(-3).sub(1).div(4));
    m.put("rsub_scalar", a -> a[0].rsub(1));
    m.put("neg", a -> a[0].neg());
    m.put("pow_scalar_int", a -> a[0].pow(3));
    m.put("pow_scalar_frac", a -> a[0].pow(1.5));
    m.put("pow_scalar_negative", a -> a[0].pow(-2));
    m.put("pow_tensor", a -> a[0].pow(a[1]));
    m.put("exp", a -> a[0].exp());
    m.put("log", a -> a[0].log());
    m.put("sqrt", a -> a[0].sqrt());
    m.put("abs", a -> a[0].abs());
    m.put("clamp", a -> a[0].clamp(-0.5, 0.5));
    m.put("relu", a -> a[0].relu());
    m.put("sigmoid", a -> a[0].sigmoid());
    m.put("tanh", a -> a[0].tanh());
    m.put("gelu", a -> a[0].gelu());
    m.put("maximum", a -> a[0].maximum(a[1]));
    m.put("minimum", a -> a[0].minimum(a[1]));
    for (String mm :
        List.of(
            "matmul_2d",
            "matmul_batched_3d",
            "matmul_3d_2d",
            "matmul_2d_3d",
            "matmul_batch_broadcast",
            "matmul_1d_2d",
            "matmul_2d_1d",
            "matmul_1d_1d")) {
      m.put(mm, a -> a[0].matmul(a[1]));
    }
    m.put("sum_all", a -> a[0].sum());
    m.put("sum_dim0", a -> a[0].sum(0, false));
    m.put("sum_dim1_3d", a -> a[0].sum(1, false));
    m.put("sum_last_keepdim", a -> a[0].sum(-1, true));
    m.put("mean_all", a -> a[0].mean());
    m.put("mean_dim1_3d", a -> a[0].mean(1, false));
    m.put("mean_dim0_keepdim", a -> a[0].mean(0, true));
    m.put("max_all", a -> a[0].max());
    m.put("max_dim1", a -> a[0].max(1, false));
    m.put("max_dim0_keepdim", a -> a[0].max(0, true));
    m.put("max_last", a -> a[0].max(-1, false));
    m.put("argmax_all", a -> a[0].argmax());
    m.put("argmax_dim1", a -> a[0].argmax(1, false));
    m.put("argmax_dim1_keepdim", a -> a[0].argmax(1, true));
    m.put("softmax_dim1", a -> a[0].softmax(1));
    m.put("softmax_dim0", a -> a[0].softmax(0));
    m.put("softmax_3d_mid", a -> a[0].softmax(1));
    m.put("log_softmax_dim1", a -> a[0].logSoftmax(1));
    m.put("log_softmax_3d_last", a -> a[0].logSoftmax(-1));
    m.put("reshape", a -> a[0].reshape(4, 6));
    m.put("reshape_infer", a -> a[0].reshape(-1, 3));
    m.put("flatten_all", a -> a[0].flatten());
    m.put("flatten_range", a -> a[0].flatten(1, 2));
    m.put("transpose", a -> a[0].transpose(0, 2));
    m.put("t", a -> a[0].t());
    m.put("permute", a -> a[0].permute(2, 0, 1));
    m.put("expand", a -> a[0].expand(3, 2, 4));
    m.put("narrow", a -> a[0].narrow(1, 1, 3));
    m.put("unsqueeze", a -> a[0].unsqueeze(1));
    m.put("cat_dim0", a -> Tensor.cat(List.of(a[0], a[1]), 0));
    m.put("cat_dim1_reused", a -> Tensor.cat(List.of(a[0], a[1], a[0]), 1));
    m.put("index_select_dim0", a -> a[0].indexSelect(0, a[1]));
    m.put("index_select_dim1", a -> a[0].indexSelect(1, a[1]));
    m.put("gather_dim1", a -> a[0].gather(1, a[1]));
    m.put("gather_dim0", a -> a[0].gather(0, a[1]));
    m.put("where_broadcast", a -> Tensor.where(a[0], a[1], a[2]));
    m.put("masked_fill", a -> a[0].maskedFill(a[1], -1.0));
    m.put("masked_fill_broadcast", a -> a[0].maskedFill(a[1], 2.5));
    m.put(
        "mlp_step",
        a ->
            a[0].matmul(a[1])
                .add(a[2])
                .gelu()
                .matmul(a[3])
                .logSoftmax(1)
                .gather(1, a[4])
                .mean()
                .neg());
    m.put("tutorial_bce", a -> TutorialTest.binaryCrossEntropy(a[2], a[3], a[0], a[1]));
    return m;
  }

  @Test
  void everyGoldenCaseHasAnOpAndEveryOpAGoldenCase() {
    List<String> names = new ArrayList<>();
    for (Map<String, Object> c : Golden.cases()) {
      names.add((String) c.get("name"));
    }
    assertThat(names).containsExactlyInAnyOrderElementsOf(OPS.keySet());
    assertThat(names).hasSizeGreaterThanOrEqualTo(70);
  }

  @TestFactory
  Stream<DynamicTest> everyCaseMatchesPyTorch() {
    return Golden.cases().stream()
        .map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> check(c)));
  }

  private static void check(Map<String, Object> c) {
    String name = (String) c.get("name");
    Function<Tensor[], Tensor> op = OPS.get(name);
    assertThat(op).as("no Sparkgrad op for golden case %s", name).isNotNull();
    List<Object> inputRecords = StrictJson.asList(c.get("inputs"), name + ".inputs");
    Tensor[] inputs = new Tensor[inputRecords.size()];
    for (int i = 0; i < inputs.length; i++) {
      Map<String, Object> r = StrictJson.asObject(inputRecords.get(i), name + ".inputs");
      inputs[i] = Golden.tensor(r);
      if (Boolean.TRUE.equals(r.get("requires_grad"))) {
        inputs[i].requiresGrad(true);
      }
    }
    Tensor out = op.apply(inputs);
    assertMatches(name, "output", out, StrictJson.asObject(c.get("output"), name));
    if (!c.containsKey("weight")) {
      assertThat(out.requiresGrad()).as("%s: PyTorch's output has no grad_fn", name).isFalse();
      return;
    }
    Tensor w = Golden.tensor(c.get("weight"));
    out.mul(w).sum().backward();
    List<Object> grads = StrictJson.asList(c.get("grads"), name + ".grads");
    for (int i = 0; i < inputs.length; i++) {
      if (grads.get(i) == null) {
        assertThat(inputs[i].grad()).as("%s: grad of input %d", name, i).isNull();
      } else {
        assertThat(inputs[i].grad()).as("%s: grad of input %d", name, i).isNotNull();
        assertMatches(
            name, "grad of input " + i, inputs[i].grad(), StrictJson.asObject(grads.get(i), name));
      }
    }
  }

  /** Asserts dtype, shape and every element by the class's tolerance rule. */
  static void assertMatches(String name, String what, Tensor actual, Map<String, Object> expected) {
    String where = "case " + name + ", " + what;
    assertThat(actual.dtype()).as("%s: dtype", where).isEqualTo(Golden.dtype(expected));
    int[] shape = Golden.shape(expected);
    assertThat(actual.shape()).as("%s: shape", where).isEqualTo(shape);
    double[] b = Golden.values(expected);
    double[] a = actual.toDoubleArray();
    double scale = 0;
    for (double v : b) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < b.length; i++) {
      double tol =
          actual.dtype().isFloatingPoint()
              ? RTOL * Math.max(Math.abs(b[i]), SCALE_FLOOR * scale)
              : 0;
      if (!(Math.abs(a[i] - b[i]) <= tol)) {
        fail(
            String.format(
                Locale.ROOT,
                "%s, element %d (index %s): Sparkgrad %.9g, PyTorch %.9g, |difference| %.3g > %.3g",
                where,
                i,
                Arrays.toString(unravel(i, shape)),
                a[i],
                b[i],
                Math.abs(a[i] - b[i]),
                tol));
      }
    }
  }

  private static int[] unravel(int flat, int[] shape) {
    int[] idx = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = flat % shape[d];
      flat /= shape[d];
    }
    return idx;
  }
}
