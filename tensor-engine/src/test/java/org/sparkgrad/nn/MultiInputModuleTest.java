package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/** A module whose forward takes several tensors ({@link Module#forward(Tensor...)}). */
class MultiInputModuleTest {
  /** {@code fc(cat(x, emb(category)))}: a dense vector and a category index per row. */
  static final class Wide extends MultiInputModule {
    final Embedding emb;
    final Linear fc;

    Wide(Generator gen) {
      emb = addModule("emb", new Embedding(5, 2, gen));
      fc = addModule("fc", new Linear(3 + 2, 1, gen));
    }

    @Override
    public Tensor forward(Tensor... in) {
      expectInputs(in, 2);
      return fc.forward(Tensor.cat(List.of(in[0], emb.forward(in[1])), 1));
    }
  }

  @Test
  void bothInputsReachTheOutputAndTheGradientReachesTheLookedUpRowsOnly() {
    Wide m = new Wide(new Generator(1));
    Tensor x = Tensor.of(new float[] {1, 2, 3, -1, 0, 2}, 2, 3);
    Tensor idx = Tensor.ofLongs(new long[] {4, 4}, 2);
    Tensor out = m.forward(x, idx);
    assertThat(out.shape()).containsExactly(2, 1);

    float[] w = m.fc.weight().toFloatArray();
    float[] e = m.emb.weight().toFloatArray();
    float b = m.fc.bias().toFloatArray()[0];
    float[] xs = x.toFloatArray();
    for (int r = 0; r < 2; r++) {
      double want = b + w[3] * e[8] + w[4] * e[9];
      for (int k = 0; k < 3; k++) {
        want += w[k] * xs[r * 3 + k];
      }
      assertThat(out.toFloatArray()[r]).isCloseTo((float) want, within(1e-5f));
    }

    out.sum().backward();
    float[] g = m.emb.weight().grad().toFloatArray();
    for (int row = 0; row < 5; row++) {
      // Both rows look up index 4: its gradient is twice the weights that read the embedding.
      assertThat(g[row * 2]).isEqualTo(row == 4 ? 2 * w[3] : 0f, within(1e-6f));
      assertThat(g[row * 2 + 1]).isEqualTo(row == 4 ? 2 * w[4] : 0f, within(1e-6f));
    }
  }

  @Test
  void aModuleOfOneInputRefusesTwoAndTakesOneThroughTheVarargsCall() {
    Linear fc = new Linear(3, 1, new Generator(2));
    Tensor x = Tensor.of(new float[] {1, 2, 3}, 1, 3);
    assertThat(fc.forward(new Tensor[] {x}).toFloatArray())
        .containsExactly(fc.forward(x).toFloatArray());
    assertThatThrownBy(() -> fc.forward(x, x))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Linear takes one input, got 2");
  }

  @Test
  void aModuleOfTwoInputsGivenOneSaysHowManyItTakes() {
    Wide m = new Wide(new Generator(3));
    assertThatThrownBy(() -> m.forward(Tensor.zeros(1, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes 2 inputs, got 1");
  }
}
