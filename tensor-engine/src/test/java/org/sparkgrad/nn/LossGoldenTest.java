package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.loss.BCELoss;
import org.sparkgrad.nn.loss.BCEWithLogitsLoss;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.nn.loss.HuberLoss;
import org.sparkgrad.nn.loss.L1Loss;
import org.sparkgrad.nn.loss.Loss;
import org.sparkgrad.nn.loss.MSELoss;
import org.sparkgrad.nn.loss.NLLLoss;
import org.sparkgrad.nn.loss.Reduction;
import org.sparkgrad.tensor.Tensor;

/** Loss values and input gradients against PyTorch 1.13 (golden/nn/gen_nn.py), in float32. */
class LossGoldenTest {
  private static final Golden G = Golden.load();

  /** Runs the case for every reduction; {@code make} builds the loss from the case name. */
  private static void lossCase(String prefix, Function<String, Function<Reduction, Loss>> make) {
    for (Reduction r : Reduction.values()) {
      String c = prefix + "_" + r;
      Loss loss = make.apply(c).apply(r);
      Tensor x = G.get(c + ".in").requiresGrad(true);
      Tensor out = loss.forward(x, G.get(c + ".target"));
      G.assertClose(c + ".out", out);
      out.sum().backward();
      G.assertClose(c + ".grad.in", x.grad());
    }
  }

  private static Tensor weight(String c) {
    return G.get(c + ".weight");
  }

  @Test
  void crossEntropyPlain() {
    lossCase("ce", c -> CrossEntropyLoss::new);
  }

  @Test
  void crossEntropyWithWeightLabelSmoothingAndIgnoreIndex() {
    lossCase("ce_w_ls_ii", c -> r -> new CrossEntropyLoss(weight(c), -100, r, 0.1));
    lossCase("ce_w_ls_ii1", c -> r -> new CrossEntropyLoss(weight(c), 1, r, 0.25));
    lossCase("ce_ls_ii", c -> r -> new CrossEntropyLoss(null, -100, r, 0.2));
  }

  @Test
  void crossEntropyWithProbabilityTargets() {
    lossCase("ce_prob_w_ls", c -> r -> new CrossEntropyLoss(weight(c), -100, r, 0.1));
  }

  @Test
  void nllLossWithWeightAndIgnoreIndex() {
    lossCase("nll_w_ii", c -> r -> new NLLLoss(weight(c), -100, r));
  }

  @Test
  void regressionLosses() {
    lossCase("mse", c -> MSELoss::new);
    lossCase("l1", c -> L1Loss::new);
    lossCase("huber", c -> r -> new HuberLoss(r, 0.5));
  }

  @Test
  void binaryCrossEntropy() {
    lossCase("bce_w", c -> r -> new BCELoss(weight(c), r));
    // Probabilities of exactly 0 and 1: logs clamped at -100, gradients (x - y) / 1e-12.
    lossCase("bce_edge", c -> r -> new BCELoss(null, r));
  }

  @Test
  void binaryCrossEntropyWithLogits() {
    lossCase("bce_logits", c -> r -> new BCEWithLogitsLoss(weight(c), r, G.get(c + ".pos_weight")));
    lossCase("bce_logits_plain", c -> r -> new BCEWithLogitsLoss(null, r, null));
  }

  @Test
  void lossesPrintAsPyTorch() {
    Loss[] losses = {
      new CrossEntropyLoss(),
      new NLLLoss(),
      new MSELoss(),
      new L1Loss(),
      new HuberLoss(),
      new BCELoss(),
      new BCEWithLogitsLoss()
    };
    for (Loss l : losses) {
      assertThat(l.toString()).isEqualTo(G.string("loss." + l.getClass().getSimpleName()));
    }
  }
}
