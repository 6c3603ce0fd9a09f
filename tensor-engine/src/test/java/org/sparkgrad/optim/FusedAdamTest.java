package org.sparkgrad.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * The one-pass float32 Adam/AdamW update against the tensor-op update in float64 (which the golden
 * tests tie to PyTorch), over many steps and every option that changes the equations.
 */
class FusedAdamTest {
  private static double[] run(DType dtype, Function<List<Tensor>, Optimizer> make) {
    Tensor p = Tensor.randn(new Generator(1), 257).to(dtype).requiresGrad(true);
    Optimizer opt = make.apply(List.of(p));
    Generator g = new Generator(2);
    for (int step = 0; step < 40; step++) {
      p.setGrad(Tensor.randn(g, 257).mul(0.1 * (step % 7 + 1)).to(dtype));
      opt.step();
    }
    return p.detach().toDoubleArray();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"adam", "adam-l2", "adam-amsgrad-maximize", "adamw", "adamw-amsgrad"})
  void fusedFloat32MatchesFloat64(String config) {
    Function<List<Tensor>, Optimizer> make =
        switch (config) {
          case "adam" -> ps -> new Adam(ps, 0.01);
          case "adam-l2" -> ps -> new Adam(ps, new Adam.Options().lr(0.01).weightDecay(0.1));
          case "adam-amsgrad-maximize" ->
              ps -> new Adam(ps, new Adam.Options().lr(0.01).amsgrad(true).maximize(true));
          case "adamw" -> ps -> new AdamW(ps, new AdamW.Options().lr(0.01).weightDecay(0.2));
          default -> ps -> new AdamW(ps, new AdamW.Options().lr(0.01).amsgrad(true));
        };
    double[] fused = run(DType.FLOAT32, make);
    double[] reference = run(DType.FLOAT64, make);
    double[] start = Tensor.randn(new Generator(1), 257).toDoubleArray();
    double moved = 0;
    for (int i = 0; i < fused.length; i++) {
      assertThat(fused[i]).isCloseTo(reference[i], org.assertj.core.data.Offset.offset(2e-5));
      moved = Math.max(moved, Math.abs(reference[i] - start[i]));
    }
    assertThat(moved).isGreaterThan(0.1); // the steps did move the parameters
  }
}
