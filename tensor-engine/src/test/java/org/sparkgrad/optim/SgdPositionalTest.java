package org.sparkgrad.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Tensor;

/** {@code new SGD(params, lr, momentum)}: PyTorch's positional order, the same optimizer. */
class SgdPositionalTest {
  @Test
  void lrThenMomentum() {
    Tensor a = Tensor.tensor(new double[] {1, -2}).requiresGrad(true);
    Tensor b = Tensor.tensor(new double[] {1, -2}).requiresGrad(true);
    SGD positional = new SGD(List.of(a), 0.1, 0.9);
    SGD options = new SGD(List.of(b), new SGD.Options().lr(0.1).momentum(0.9));
    assertThat(positional.defaults()).isEqualTo(options.defaults());
    assertThat(positional.defaults()).containsEntry("lr", 0.1).containsEntry("momentum", 0.9);
    for (int step = 0; step < 3; step++) {
      for (SGD opt : List.of(positional, options)) {
        opt.zeroGrad();
      }
      a.pow(2).sum().backward();
      b.pow(2).sum().backward();
      positional.step();
      options.step();
    }
    // With momentum the third step differs from plain SGD's; both optimizers agree exactly.
    assertThat(a.toFloatArray()).containsExactly(b.toFloatArray());
    assertThat(a.toFloatArray()[0]).isNotEqualTo((float) Math.pow(0.8, 3));
  }
}
