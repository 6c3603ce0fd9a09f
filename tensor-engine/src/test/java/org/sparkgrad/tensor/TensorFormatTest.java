package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link Tensor#toString()} against PyTorch's {@code repr} of the same tensors (the "printing"
 * cases of {@code golden/ops.json}): padding, integral and scientific modes, rounding, line
 * wrapping, summarisation, empty tensors and suffixes.
 */
class TensorFormatTest {

  @TestFactory
  Stream<DynamicTest> printsAsPyTorchPrints() {
    return Golden.printing().stream()
        .map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> check(c)));
  }

  private static void check(Map<String, Object> c) {
    Tensor t = Golden.tensor(c.get("tensor"));
    if (Boolean.TRUE.equals(c.get("requires_grad"))) {
      t.requiresGrad(true);
    }
    assertThat(t.toString()).as((String) c.get("name")).isEqualTo(c.get("repr"));
  }

  @Test
  void goldenPrintingCasesCoverTheModes() {
    assertThat(Golden.printing()).hasSizeGreaterThanOrEqualTo(30);
  }

  @Test
  void elementsRoundAsPythonDoes() {
    // Ties of the exact binary value go to even; the decimal shortest form does not matter.
    assertThat(ElementFormatter.fixed(0.03125, 4)).isEqualTo("0.0312");
    assertThat(ElementFormatter.fixed(0.09375, 4)).isEqualTo("0.0938");
    assertThat(ElementFormatter.fixed(2.00005, 4)).isEqualTo("2.0000");
    assertThat(ElementFormatter.fixed(2.5, 0)).isEqualTo("2");
    assertThat(ElementFormatter.fixed(-0.00001, 4)).isEqualTo("-0.0000");
    assertThat(ElementFormatter.scientific(9.99995e-7)).isEqualTo("1.0000e-06");
    assertThat(ElementFormatter.scientific(-1.5e100)).isEqualTo("-1.5000e+100");
    assertThat(ElementFormatter.scientific(12345.5)).isEqualTo("1.2346e+04");
    assertThat(ElementFormatter.scientific(-0.0)).isEqualTo("-0.0000e+00");
  }

  @Test
  void gradFnAndDeviceSuffixes() {
    Tensor leaf = Tensor.of(new float[] {0.5f, 1.5f}).requiresGrad(true);
    assertThat(leaf.mul(2).toString()).isEqualTo("tensor([1., 3.], grad_fn=<MulBackward>)");
    assertThat(leaf.sum().toString()).isEqualTo("tensor(2., grad_fn=<SumBackward>)");
    Tensor wide = Tensor.full(0.25, 9).requiresGrad(true).mul(2);
    assertThat(wide.toString())
        .isEqualTo(
            "tensor([0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000],\n"
                + "       grad_fn=<MulBackward>)");
  }
}
