package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.loss.BCELoss;
import org.sparkgrad.nn.loss.BCEWithLogitsLoss;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.nn.loss.HuberLoss;
import org.sparkgrad.nn.loss.MSELoss;
import org.sparkgrad.nn.loss.NLLLoss;
import org.sparkgrad.nn.loss.Reduction;
import org.sparkgrad.tensor.Tensor;

/** Bad inputs to layers and losses fail with messages that name what is wrong. */
class ValidationTest {
  private final Tensor logits = Tensor.zeros(3, 4);

  @Test
  void classTargetsOfTheWrongShapeOrDtype() {
    assertThatThrownBy(
            () -> new CrossEntropyLoss().forward(logits, Tensor.ofLongs(new long[] {0, 1, 2, 3})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target of shape [4]")
        .hasMessageContaining("input of shape [3, 4]");
    assertThatThrownBy(() -> new CrossEntropyLoss().forward(logits, Tensor.zeros(3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("input [3, 4]")
        .hasMessageContaining("target [3]");
    assertThatThrownBy(() -> new CrossEntropyLoss().forward(Tensor.zeros(4), Tensor.zeros(4)))
        .hasMessageContaining("[N, C]")
        .hasMessageContaining("[4]");
  }

  @Test
  void classIndexOutOfRangeNamesRowAndValue() {
    assertThatThrownBy(
            () -> new CrossEntropyLoss().forward(logits, Tensor.ofLongs(new long[] {0, 4, 1})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target 4 in row 1")
        .hasMessageContaining("4 classes");
    assertThatThrownBy(() -> new NLLLoss().forward(logits, Tensor.ofLongs(new long[] {0, 1, -1})))
        .hasMessageContaining("target -1 in row 2");
    // The ignored value is not a range error.
    Tensor ok =
        new NLLLoss(null, 7, Reduction.SUM).forward(logits, Tensor.ofLongs(new long[] {0, 7, 1}));
    assertThat(ok.item()).isEqualTo(0.0);
  }

  @Test
  void everyRowIgnoredGivesNaNForTheMeanAsPyTorch() {
    Tensor t = Tensor.ofLongs(new long[] {-100, -100, -100});
    assertThat(new CrossEntropyLoss().forward(logits, t).item()).isNaN();
    assertThat(new CrossEntropyLoss(Reduction.SUM).forward(logits, t).item()).isZero();
  }

  @Test
  void classWeightsMustHaveOneEntryPerClass() {
    assertThatThrownBy(
            () ->
                new CrossEntropyLoss(Tensor.ones(3), -100, Reduction.MEAN, 0)
                    .forward(logits, Tensor.ofLongs(new long[] {0, 1, 2})))
        .hasMessageContaining("class weight must have shape [4]")
        .hasMessageContaining("got [3]");
    assertThatThrownBy(() -> new CrossEntropyLoss(null, -100, Reduction.MEAN, 1.5))
        .hasMessageContaining("labelSmoothing must be in [0, 1], got 1.5");
  }

  @Test
  void elementwiseLossTargetsMustMatchTheInput() {
    assertThatThrownBy(() -> new MSELoss().forward(Tensor.zeros(3, 4), Tensor.zeros(4, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target shape [4, 3]")
        .hasMessageContaining("input shape [3, 4]");
    assertThatThrownBy(
            () ->
                new BCEWithLogitsLoss().forward(Tensor.zeros(2), Tensor.ofLongs(new long[] {0, 1})))
        .hasMessageContaining("target dtype int64")
        .hasMessageContaining("input dtype float32");
    assertThatThrownBy(() -> new HuberLoss(Reduction.MEAN, 0))
        .hasMessageContaining("delta must be > 0, got 0.0");
    assertThatThrownBy(
            () -> new BCELoss().forward(Tensor.of(new float[] {0.5f, 1.5f}), Tensor.zeros(2)))
        .hasMessageContaining("between 0 and 1")
        .hasMessageContaining("element 1 is 1.5");
  }

  @Test
  void layersNameTheShapeTheyExpected() {
    assertThatThrownBy(() -> new Linear(4, 2, 0L).forward(Tensor.zeros(3, 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[*, 4]")
        .hasMessageContaining("[3, 5]");
    assertThatThrownBy(() -> new Conv2d(3, 2, 3, 1, 0, true, 0L).forward(Tensor.zeros(1, 2, 5, 5)))
        .hasMessageContaining("3 channels")
        .hasMessageContaining("[1, 2, 5, 5]");
    assertThatThrownBy(() -> new Conv2d(1, 1, 3, 1, 0, true, 0L).forward(Tensor.zeros(1, 5, 5)))
        .hasMessageContaining("[N, C, H, W]");
    assertThatThrownBy(() -> new BatchNorm1d(3).forward(Tensor.zeros(2, 3, 4, 4)))
        .hasMessageContaining("expected 2D or 3D input (got 4D input");
    assertThatThrownBy(() -> new BatchNorm1d(3).forward(Tensor.zeros(2, 4)))
        .hasMessageContaining("expected 3 channels")
        .hasMessageContaining("[2, 4]");
    assertThatThrownBy(() -> new LayerNorm(4).forward(Tensor.zeros(2, 3)))
        .hasMessageContaining("[4]")
        .hasMessageContaining("[2, 3]");
    assertThatThrownBy(() -> new Embedding(5, 2, 0L).forward(Tensor.ofLongs(new long[] {1, 5, 2})))
        .hasMessageContaining("index 5 at position 1")
        .hasMessageContaining("5 embeddings");
    assertThatThrownBy(() -> new Embedding(5, 2, 0L).forward(Tensor.zeros(2)))
        .hasMessageContaining("int64");
    assertThatThrownBy(() -> new MaxPool2d(2, 2, 2))
        .hasMessageContaining("padding must be in [0, kernel_size / 2] = [0, 1], got 2");
    assertThatThrownBy(() -> new Linear(0, 2, 0L)).hasMessageContaining("in_features must be > 0");
    assertThatThrownBy(() -> new Linear(2, 2, true, null)).hasMessageContaining("Generator");
  }
}
