package org.sparkgrad.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sparkgrad.backend.HalfFloats;

/**
 * {@link Autocast} on the CPU: the rounding is PyTorch's bit for bit, the autocast ops compute on
 * the rounded values and nothing else changes, and gradients are the float32 backward of the
 * rounded inputs, reaching the float32 leaves.
 */
class AutocastTest {
  /** The float32 inputs and PyTorch 1.13's bfloat16 and float16 bits, from amp_golden.h. */
  private static List<long[]> golden() throws IOException {
    String h =
        new String(
            Files.readAllBytes(Paths.get("src/test/cuda/amp_golden.h")), StandardCharsets.UTF_8);
    List<long[]> arrays = new ArrayList<>();
    Matcher block = Pattern.compile("\\[\\] = \\{([^}]*)\\}").matcher(h);
    while (block.find()) {
      Matcher hex = Pattern.compile("0x([0-9a-f]+)").matcher(block.group(1));
      List<Long> values = new ArrayList<>();
      while (hex.find()) {
        values.add(Long.parseLong(hex.group(1), 16));
      }
      arrays.add(values.stream().mapToLong(Long::longValue).toArray());
    }
    assertThat(arrays).hasSize(3);
    return arrays;
  }

  @Test
  void roundingIsPyTorchsBitForBit() throws IOException {
    List<long[]> g = golden();
    long[] f32 = g.get(0);
    assertThat(f32.length).isGreaterThan(90);
    float[] x = new float[f32.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = Float.intBitsToFloat((int) f32[i]);
      assertThat(HalfFloats.toBf16(x[i]) & 0xffff).as("bf16 of %s", x[i]).isEqualTo(g.get(1)[i]);
      assertThat(HalfFloats.toF16(x[i]) & 0xffff).as("f16 of %s", x[i]).isEqualTo(g.get(2)[i]);
    }
    // The tensor op rounds the same way, element by element.
    float[] bf = Autocast.round(Tensor.of(x), Precision.BF16).toFloatArray();
    float[] hf = Autocast.round(Tensor.of(x), Precision.FP16).toFloatArray();
    for (int i = 0; i < x.length; i++) {
      assertThat(Float.floatToIntBits(bf[i]))
          .isEqualTo(Float.floatToIntBits(HalfFloats.fromBf16((short) g.get(1)[i])));
      assertThat(Float.floatToIntBits(hf[i]))
          .isEqualTo(Float.floatToIntBits(HalfFloats.fromF16((short) g.get(2)[i])));
    }
  }

  @Test
  void everySixteenBitPatternRoundTrips() {
    for (int i = 0; i < 65536; i++) {
      short s = (short) i;
      float b = HalfFloats.fromBf16(s);
      float h = HalfFloats.fromF16(s);
      if (!Float.isNaN(b)) {
        assertThat(HalfFloats.toBf16(b)).isEqualTo(s);
      }
      if (!Float.isNaN(h)) {
        assertThat(HalfFloats.toF16(h)).isEqualTo(s);
      }
    }
    assertThat(HalfFloats.roundF16(65519f)).isEqualTo(65504f);
    assertThat(HalfFloats.roundF16(65520f)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(HalfFloats.roundBf16(1f + 1f / 256)).isEqualTo(1f); // a tie goes to even
  }

  @Test
  void productsComputeOnRoundedInputsAndNothingElseChanges() {
    Generator gen = new Generator(7);
    Tensor a = Tensor.randn(gen, 6, 5);
    Tensor b = Tensor.randn(gen, 5, 4);
    Tensor bias = Tensor.randn(gen, 4);
    Tensor img = Tensor.randn(gen, 2, 3, 6, 6);
    Tensor kernel = Tensor.randn(gen, 4, 3, 3, 3);
    for (Precision p : new Precision[] {Precision.BF16, Precision.FP16}) {
      float[] mm;
      float[] lin;
      float[] conv;
      float[] softmax;
      try (Autocast ac = Autocast.enter(Device.CPU, p)) {
        assertThat(Autocast.precisionFor(Device.CPU)).isEqualTo(p);
        mm = a.matmul(b).toFloatArray();
        lin = Tensor.linear(a, b.t(), bias).toFloatArray();
        conv = Tensor.conv2d(img, kernel, bias, 1, 1).toFloatArray();
        softmax = a.logSoftmax(1).toFloatArray();
      }
      Tensor ra = Autocast.round(a, p);
      Tensor rb = Autocast.round(b, p);
      Tensor rBias = Autocast.round(bias, p);
      assertThat(mm).containsExactly(ra.matmul(rb).toFloatArray());
      assertThat(lin).containsExactly(Tensor.linear(ra, rb.t(), rBias).toFloatArray());
      assertThat(conv)
          .containsExactly(
              Tensor.conv2d(Autocast.round(img, p), Autocast.round(kernel, p), rBias, 1, 1)
                  .toFloatArray());
      assertThat(softmax).containsExactly(a.logSoftmax(1).toFloatArray());
      // The rounding matters (else this test would prove nothing), and it is gone after close.
      assertThat(mm).isNotEqualTo(a.matmul(b).toFloatArray());
      assertThat(Autocast.precisionFor(Device.CPU)).isEqualTo(Precision.FLOAT32);
    }
  }

  @Test
  void float64AndOtherDevicesAndInnerFloat32RegionsAreLeftAlone() {
    Generator gen = new Generator(8);
    Tensor a = Tensor.randn(gen, 3, 3);
    Tensor a64 = a.to(DType.FLOAT64);
    double[] plain64 = a64.matmul(a64).toDoubleArray();
    float[] plain = a.matmul(a).toFloatArray();
    try (Autocast cuda = Autocast.enter(Device.cuda(0), Precision.BF16)) {
      assertThat(a.matmul(a).toFloatArray()).containsExactly(plain);
      try (Autocast cpu = Autocast.enter(Device.CPU, Precision.BF16)) {
        assertThat(a64.matmul(a64).toDoubleArray()).containsExactly(plain64);
        assertThat(a.matmul(a).toFloatArray()).isNotEqualTo(plain);
        try (Autocast off = Autocast.enter(Device.CPU, Precision.FLOAT32)) {
          assertThat(a.matmul(a).toFloatArray()).containsExactly(plain);
        }
        assertThat(Autocast.precisionFor(Device.cuda(1))).isEqualTo(Precision.BF16);
        assertThatThrownBy(cuda::close)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("reverse order");
      }
    }
    assertThat(Autocast.precisionFor(Device.cuda(0))).isEqualTo(Precision.FLOAT32);
  }

  /**
   * Gradcheck-style: the gradients of an autocast product, computed here in double from the rounded
   * inputs, are those of the float32 backward of the rounded inputs, on the float32 leaves.
   */
  @Test
  void backwardIsTheFloat32BackwardOfTheRoundedInputs() {
    Generator gen = new Generator(9);
    int m = 4;
    int k = 6;
    int n = 3;
    Tensor x = Tensor.randn(gen, m, k).requiresGrad(true);
    Tensor w = Tensor.randn(gen, k, n).requiresGrad(true);
    Tensor c = Tensor.randn(gen, m, n);
    try (Autocast ac = Autocast.enter(Device.CPU, Precision.BF16)) {
      x.matmul(w).mul(c).sum().backward();
    }
    assertThat(x.grad().dtype()).isEqualTo(DType.FLOAT32);
    float[] rx = Autocast.round(x.detach(), Precision.BF16).toFloatArray();
    float[] rw = Autocast.round(w.detach(), Precision.BF16).toFloatArray();
    float[] cv = c.toFloatArray();
    float[] wv = w.detach().toFloatArray();
    float[] gx = x.grad().toFloatArray();
    float[] gw = w.grad().toFloatArray();
    float[] unroundedGx = new float[m * k];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < k; j++) {
        double want = 0; // dL/dx[i, j] = sum_o c[i, o] * round(w)[j, o]
        double unrounded = 0;
        for (int o = 0; o < n; o++) {
          want += (double) cv[i * n + o] * rw[j * n + o];
          unrounded += (double) cv[i * n + o] * wv[j * n + o];
        }
        assertThat((double) gx[i * k + j]).isCloseTo(want, within(1e-6 * (1 + Math.abs(want))));
        unroundedGx[i * k + j] = (float) unrounded;
      }
    }
    for (int j = 0; j < k; j++) {
      for (int o = 0; o < n; o++) {
        double want = 0; // dL/dw[j, o] = sum_i round(x)[i, j] * c[i, o]
        for (int i = 0; i < m; i++) {
          want += (double) rx[i * k + j] * cv[i * n + o];
        }
        assertThat((double) gw[j * n + o]).isCloseTo(want, within(1e-6 * (1 + Math.abs(want))));
      }
    }
    // Bit for bit the graph of the rounded leaves, and not the unrounded backward.
    Tensor lx = Tensor.of(rx, m, k).requiresGrad(true);
    Tensor lw = Tensor.of(rw, k, n).requiresGrad(true);
    lx.matmul(lw).mul(c).sum().backward();
    assertThat(gx).containsExactly(lx.grad().toFloatArray());
    assertThat(gw).containsExactly(lw.grad().toFloatArray());
    assertThat(gx).isNotEqualTo(unroundedGx);
  }
}
