package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Central differences in float64 against autograd, for every op, broadcast and reuse case. */
class GradCheckTest {
  private final Generator gen = new Generator(42);

  /** A float64 leaf of normal values. */
  private Tensor x(int... shape) {
    return Tensor.randn(gen, shape).to(DType.FLOAT64).requiresGrad(true);
  }

  /** A float64 leaf of values in [lo, hi), away from kinks and poles. */
  private Tensor uniform(double lo, double hi, int... shape) {
    return Tensor.rand(gen, shape)
        .to(DType.FLOAT64)
        .mul(hi - lo)
        .add(lo)
        .detach()
        .requiresGrad(true);
  }

  private static void check(Function<Tensor[], Tensor> f, Tensor... in) {
    GradCheck.check(f, in);
  }

  @Test
  void arithmeticSameShape() {
    check(a -> a[0].add(a[1]), x(2, 3), x(2, 3));
    check(a -> a[0].sub(a[1]), x(2, 3), x(2, 3));
    check(a -> a[0].mul(a[1]), x(2, 3), x(2, 3));
    check(a -> a[0].div(a[1]), x(2, 3), uniform(0.5, 2, 2, 3));
    check(a -> a[0].neg(), x(4));
  }

  @Test
  void arithmeticWithScalars() {
    check(a -> a[0].add(2.5).mul(-3).sub(1).div(4), x(3, 2));
    check(a -> a[0].rsub(1), x(3));
  }

  @Test
  void broadcasting() {
    check(a -> a[0].add(a[1]), x(4, 3), x(3));
    check(a -> a[0].mul(a[1]), x(2, 1, 3), x(4, 1));
    check(a -> a[0].sub(a[1]), x(1), x(2, 2));
    check(a -> a[0].div(a[1]), x(3, 4), uniform(1, 2, 3, 1));
    check(a -> a[0].maximum(a[1]), x(2, 3), x(3));
    check(a -> a[0].minimum(a[1]), x(2, 1), x(1, 3));
  }

  @Test
  void valueUsedTwice() {
    check(a -> a[0].mul(a[0]).add(a[0]), x(3));
    check(a -> a[0].matmul(a[0]), x(3, 3));
    check(a -> a[0].sigmoid().mul(a[0].tanh()).sum(), x(2, 2));
  }

  @Test
  void powers() {
    check(a -> a[0].pow(3), x(5));
    check(a -> a[0].pow(0.5), uniform(0.5, 2, 4));
    check(a -> a[0].pow(a[1]), uniform(0.5, 2, 2, 3), x(3));
    check(a -> a[0].pow(0), x(3));
  }

  @Test
  void unaryMaps() {
    check(a -> a[0].exp(), x(2, 3));
    check(a -> a[0].log(), uniform(0.2, 3, 2, 3));
    check(a -> a[0].sqrt(), uniform(0.2, 3, 6));
    check(
        a -> a[0].abs(),
        uniform(0.1, 1, 3).mul(Tensor.of(new double[] {1, -1, 1})).detach().requiresGrad(true));
    check(
        a -> a[0].clamp(-0.5, 0.5),
        Tensor.of(new double[] {-2, -0.3, 0.1, 0.4, 3}).requiresGrad(true));
  }

  @Test
  void activations() {
    check(a -> a[0].relu(), Tensor.of(new double[] {-1.5, -0.2, 0.3, 2.0}).requiresGrad(true));
    check(a -> a[0].sigmoid(), x(3, 2));
    check(a -> a[0].tanh(), x(3, 2));
    check(a -> a[0].gelu(), x(8));
  }

  @Test
  void matmulShapes() {
    check(a -> a[0].matmul(a[1]), x(3, 4), x(4, 2));
    check(a -> a[0].matmul(a[1]), x(4), x(4, 2));
    check(a -> a[0].matmul(a[1]), x(3, 4), x(4));
    check(a -> a[0].matmul(a[1]), x(4), x(4));
    check(a -> a[0].matmul(a[1]), x(2, 3, 4), x(2, 4, 5));
    check(a -> a[0].matmul(a[1]), x(2, 3, 4), x(4, 5));
    check(a -> a[0].matmul(a[1]), x(3, 4), x(2, 4, 5));
    check(a -> a[0].matmul(a[1]), x(1, 3, 4), x(2, 4, 2));
  }

  @Test
  void reductions() {
    check(a -> a[0].sum(), x(2, 3));
    check(a -> a[0].sum(0, false), x(2, 3));
    check(a -> a[0].sum(-1, true), x(2, 3, 2));
    check(a -> a[0].mean(), x(2, 3));
    check(a -> a[0].mean(1, false), x(2, 3, 2));
    check(a -> a[0].max(), x(7));
    check(a -> a[0].max(1, false), x(3, 4));
    check(a -> a[0].max(0, true), x(3, 4, 2));
  }

  @Test
  void softmaxes() {
    check(a -> a[0].softmax(1), x(3, 4));
    check(a -> a[0].softmax(0), x(3, 4));
    check(a -> a[0].logSoftmax(1), x(3, 4));
    check(a -> a[0].logSoftmax(1), x(2, 3, 2));
  }

  @Test
  void shapes() {
    check(a -> a[0].reshape(3, 2), x(2, 3));
    check(a -> a[0].view(-1), x(2, 3));
    check(a -> a[0].flatten(1, 2), x(2, 3, 2));
    check(a -> a[0].unsqueeze(1).squeeze(1), x(2, 3));
    check(a -> a[0].transpose(0, 1), x(2, 3));
    check(a -> a[0].t(), x(2, 3));
    check(a -> a[0].permute(2, 0, 1), x(2, 3, 4));
    check(a -> a[0].expand(3, 2, 4), x(2, 1));
    check(a -> a[0].narrow(1, 1, 2), x(2, 4));
    check(a -> Tensor.cat(List.of(a[0], a[1], a[0]), 1), x(2, 3), x(2, 1));
    check(a -> Tensor.cat(List.of(a[0], a[1]), 0), x(2, 3), x(1, 3));
  }

  @Test
  void indexing() {
    Tensor idx = Tensor.ofLongs(new long[] {2, 0, 2});
    check(a -> a[0].indexSelect(0, idx), x(3, 2));
    check(a -> a[0].indexSelect(1, idx), x(2, 3));
    Tensor gidx = Tensor.ofLongs(new long[] {1, 0, 1, 1, 2, 0}, 2, 3);
    check(a -> a[0].gather(1, gidx), x(2, 3));
  }

  @Test
  void fusedLinear() {
    check(a -> Tensor.linear(a[0], a[1], a[2]), x(4, 3), x(2, 3), x(2));
    check(a -> Tensor.linear(a[0], a[1], null), x(2, 4, 3), x(5, 3));
    check(a -> Tensor.linear(a[0], a[0], a[1]), x(3, 3), x(3));
  }

  @Test
  void im2colWithStrideAndPadding() {
    check(a -> Tensor.im2col(a[0], 2, 3, 1, 0), x(2, 2, 3, 4));
    check(a -> Tensor.im2col(a[0], 3, 3, 2, 1), x(1, 2, 5, 4));
  }

  @Test
  void whereAndMasking() {
    Tensor cond = Tensor.of(new double[] {1, 0, 0, 1, 1, 0}, 2, 3);
    check(a -> Tensor.where(cond, a[0], a[1]), x(2, 3), x(3));
    check(a -> a[0].maskedFill(cond, -1), x(2, 3));
  }

  @Test
  void dtypeConversionIsDifferentiable() {
    // float32 rounding makes finite differences too coarse for the default tolerances.
    GradCheck.of(1e-2, 1e-3, 1e-3).run(a -> a[0].to(DType.FLOAT32).to(DType.FLOAT64).mul(2), x(3));
    check(a -> a[0].copy().mul(a[0]), x(3));
  }

  @Test
  void aDeepCompositeNetworkStep() {
    Tensor w1 = x(4, 5);
    Tensor b1 = x(5);
    Tensor w2 = x(5, 3);
    Tensor in = Tensor.randn(gen, 6, 4).to(DType.FLOAT64);
    Tensor labels = Tensor.ofLongs(new long[] {0, 2, 1, 1, 0, 2}, 6, 1);
    check(
        a ->
            in.matmul(a[0])
                .add(a[1])
                .gelu()
                .matmul(a[2])
                .logSoftmax(1)
                .gather(1, labels)
                .mean()
                .neg(),
        w1,
        b1,
        w2);
  }

  @Test
  void aWrongGradientIsReported() {
    Tensor a = x(3);
    // A deliberately wrong "function": backward sees x*2, the numbers see x*3 via a side channel.
    int[] calls = {0};
    Function<Tensor[], Tensor> f =
        t -> {
          calls[0]++;
          return t[0].requiresGrad() ? t[0].mul(2) : t[0].mul(3);
        };
    assertThatThrownBy(() -> GradCheck.check(f, a))
        .isInstanceOf(GradCheck.GradCheckError.class)
        .hasMessageContaining("input 0")
        .hasMessageContaining("analytical 2")
        .hasMessageContaining("numerical 3");
  }
}
