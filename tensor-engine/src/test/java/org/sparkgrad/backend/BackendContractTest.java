package org.sparkgrad.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.DType;

/**
 * The contract every {@link Backend} meets, written once against the interface: each primitive is
 * compared with a naive double-precision computation of its definition. A backend's test class
 * extends this and supplies the backend.
 */
public abstract class BackendContractTest {
  protected Backend backend;
  private final Random random = new Random(7);

  /** The backend under test; called before each test. */
  protected abstract Backend createBackend();

  @BeforeEach
  void setUp() {
    backend = createBackend();
  }

  private float[] randomFloats(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private Storage floats(float... v) {
    return backend.fromArray(v);
  }

  private float[] read(Storage s) {
    return (float[]) backend.toArray(s);
  }

  @Test
  void allocateIsZeroAndRoundTripsEveryDType() {
    assertThat(read(backend.allocate(DType.FLOAT32, 5))).containsOnly(0f);
    assertThat((double[]) backend.toArray(backend.fromArray(new double[] {1.5, -2})))
        .containsExactly(1.5, -2);
    assertThat((long[]) backend.toArray(backend.fromArray(new long[] {Long.MAX_VALUE, -3})))
        .containsExactly(Long.MAX_VALUE, -3);
    Storage s = floats(1, 2, 3);
    assertThat(s.size()).isEqualTo(3);
    assertThat(s.dtype()).isEqualTo(DType.FLOAT32);
    assertThat(s.device()).isEqualTo(backend.device());
  }

  @Test
  void fillAndCast() {
    Storage s = backend.allocate(DType.FLOAT32, 4);
    backend.fill(s, 2.5);
    assertThat(read(s)).containsOnly(2.5f);
    Storage l = backend.allocate(DType.INT64, 4);
    backend.cast(floats(1.9f, -1.9f, 0, 3), l);
    assertThat((long[]) backend.toArray(l)).containsExactly(1, -1, 0, 3);
    Storage d = backend.allocate(DType.FLOAT64, 2);
    backend.cast(backend.fromArray(new long[] {7, -8}), d);
    assertThat((double[]) backend.toArray(d)).containsExactly(7.0, -8.0);
  }

  @Test
  void stridedCopyTransposes() {
    // [2, 3] -> its transpose [3, 2]
    Storage src = floats(1, 2, 3, 4, 5, 6);
    Storage dst = backend.allocate(DType.FLOAT32, 6);
    backend.copy(src, 0, new int[] {1, 3}, dst, 0, new int[] {2, 1}, new int[] {3, 2});
    assertThat(read(dst)).containsExactly(1, 4, 2, 5, 3, 6);
  }

  @Test
  void stridedCopyWithOffsetsAndBroadcast() {
    Storage src = floats(9, 1, 2);
    Storage dst = backend.allocate(DType.FLOAT32, 7);
    // rows of [1, 2] written twice from offset 1, into dst starting at 3
    backend.copy(src, 1, new int[] {0, 1}, dst, 3, new int[] {2, 1}, new int[] {2, 2});
    assertThat(read(dst)).containsExactly(0, 0, 0, 1, 2, 1, 2);
  }

  @Test
  void copyAddAccumulatesOverlappingDestinations() {
    Storage src = floats(1, 2, 3, 4);
    Storage dst = floats(10, 10, 10);
    // windows of length 2 at stride 1 overlap in dst[1]
    backend.copyAdd(src, 0, new int[] {2, 1}, dst, 0, new int[] {1, 1}, new int[] {2, 2});
    assertThat(read(dst)).containsExactly(11, 15, 14);
  }

  @Test
  void everyUnaryOpMatchesItsDefinition() {
    float[] x = {-2.5f, -1, -0.1f, 0, 0.3f, 1, 4};
    for (UnaryOp op : UnaryOp.values()) {
      float[] in = x.clone();
      if (op == UnaryOp.LOG || op == UnaryOp.SQRT) {
        for (int i = 0; i < in.length; i++) {
          in[i] = Math.abs(in[i]) + 0.5f;
        }
      }
      Storage out = backend.allocate(DType.FLOAT32, in.length);
      backend.unary(op, floats(in), out);
      float[] got = read(out);
      for (int i = 0; i < in.length; i++) {
        assertThat((double) got[i])
            .as("%s(%s)", op, in[i])
            .isCloseTo(op.apply(in[i]), within(1e-6 * (1 + Math.abs(op.apply(in[i])))));
      }
    }
  }

  @Test
  void everyBinaryOpBroadcastsAsDefined() {
    // a [2, 3] with b [3] (row broadcast) and with b [2, 1] (column broadcast)
    float[] a = {1, -2, 3, 0.5f, 2, -1};
    float[] row = {2, 2, -1};
    float[] col = {0.5f, 3};
    for (BinaryOp op : BinaryOp.values()) {
      Storage out = backend.allocate(DType.FLOAT32, 6);
      backend.binary(
          op, floats(a), new int[] {3, 1}, floats(row), new int[] {0, 1}, out, new int[] {2, 3});
      float[] got = read(out);
      for (int i = 0; i < 6; i++) {
        assertThat((double) got[i])
            .as("%s row", op)
            .isCloseTo((float) op.apply(a[i], row[i % 3]), within(1e-6));
      }
      backend.binary(
          op, floats(a), new int[] {3, 1}, floats(col), new int[] {1, 0}, out, new int[] {2, 3});
      got = read(out);
      for (int i = 0; i < 6; i++) {
        assertThat((double) got[i])
            .as("%s col", op)
            .isCloseTo((float) op.apply(a[i], col[i / 3]), within(1e-6));
      }
    }
  }

  @Test
  void arithmeticIsCorrectlyRoundedOnEveryOperandLayout() {
    // +, -, *, / and sqrt of floats are exact in double, so rounding the double definition to float
    // is the one right answer: every layout (contiguous, in place, scalar, broadcast rows) must
    // give
    // it bit for bit.
    int rows = 37;
    int cols = 29;
    int n = rows * cols;
    float[] a = randomFloats(n);
    float[] b = randomFloats(n);
    b[3] = 0;
    float[] row = randomFloats(cols);
    float s = (float) random.nextGaussian();
    int[] shape = {rows, cols};
    int[] dense = {cols, 1};
    for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV}) {
      Storage out = backend.allocate(DType.FLOAT32, n);
      backend.binary(op, floats(a), dense, floats(b), dense, out, shape);
      float[] got = read(out);
      Storage inPlace = floats(a.clone());
      backend.binary(op, inPlace, dense, floats(s), new int[] {0, 0}, inPlace, shape);
      float[] scalar = read(inPlace);
      backend.binary(op, floats(a), dense, floats(row), new int[] {0, 1}, out, shape);
      float[] broadcast = read(out);
      for (int i = 0; i < n; i++) {
        assertThat(got[i]).as("%s element %d", op, i).isEqualTo((float) op.apply(a[i], b[i]));
        assertThat(scalar[i]).as("%s scalar %d", op, i).isEqualTo((float) op.apply(a[i], s));
        assertThat(broadcast[i])
            .as("%s row broadcast %d", op, i)
            .isEqualTo((float) op.apply(a[i], row[i % cols]));
      }
    }
    float[] x = randomFloats(n);
    x[0] = -0f;
    Storage root = backend.allocate(DType.FLOAT32, n);
    backend.unary(UnaryOp.SQRT, floats(x), root);
    float[] got = read(root);
    for (int i = 0; i < n; i++) {
      // Boxed: Float.equals tells -0 from 0 and takes any NaN as NaN (sqrt of a negative).
      assertThat(Float.valueOf(got[i]))
          .as("sqrt element %d", i)
          .isEqualTo(Float.valueOf((float) Math.sqrt(x[i])));
    }
  }

  @Test
  void binaryInPlaceAndInteger() {
    Storage a = floats(1, 2, 3);
    backend.binary(BinaryOp.MUL, a, new int[] {1}, floats(2), new int[] {0}, a, new int[] {3});
    assertThat(read(a)).containsExactly(2, 4, 6);
    Storage l = backend.allocate(DType.INT64, 2);
    backend.binary(
        BinaryOp.EQ,
        backend.fromArray(new long[] {3, 4}),
        new int[] {1},
        backend.fromArray(new long[] {3, 5}),
        new int[] {1},
        l,
        new int[] {2});
    assertThat((long[]) backend.toArray(l)).containsExactly(1, 0);
  }

  @Test
  void whereSelects() {
    Storage out = backend.allocate(DType.FLOAT32, 4);
    backend.where(
        floats(1, 0),
        new int[] {0, 1},
        floats(1, 2, 3, 4),
        new int[] {2, 1},
        floats(-1),
        new int[] {0, 0},
        out,
        new int[] {2, 2});
    assertThat(read(out)).containsExactly(1, -1, 3, -1);
  }

  @Test
  void axpyAccumulates() {
    Storage y = floats(1, 1, 1);
    backend.axpy(-2, floats(1, 2, 3), y);
    assertThat(read(y)).containsExactly(-1, -3, -5);
  }

  @Test
  void reductionsAlongTheMiddleAxis() {
    // x[outer=2, n=3, inner=2]
    float[] x = {1, 6, 2, 5, 3, 4, -1, 0, -3, 7, -2, 7};
    Storage out = backend.allocate(DType.FLOAT32, 4);
    backend.reduce(ReduceOp.SUM, floats(x), 2, 3, 2, out);
    assertThat(read(out)).containsExactly(6, 15, -6, 14);
    backend.reduce(ReduceOp.MAX, floats(x), 2, 3, 2, out);
    assertThat(read(out)).containsExactly(3, 6, -1, 7);
    backend.reduce(ReduceOp.MIN, floats(x), 2, 3, 2, out);
    assertThat(read(out)).containsExactly(1, 4, -3, 0);
    Storage arg = backend.allocate(DType.INT64, 4);
    backend.reduce(ReduceOp.ARGMAX, floats(x), 2, 3, 2, arg);
    assertThat((long[]) backend.toArray(arg)).containsExactly(2, 0, 0, 1);
  }

  @Test
  void maxPropagatesNaN() {
    Storage out = backend.allocate(DType.FLOAT32, 1);
    backend.reduce(ReduceOp.MAX, floats(1, Float.NaN, 3), 1, 3, 1, out);
    assertThat(read(out)[0]).isNaN();
  }

  @Test
  void largeSumsAreAccurate() {
    int n = 1 << 20;
    float[] x = new float[n];
    java.util.Arrays.fill(x, 0.1f);
    Storage out = backend.allocate(DType.FLOAT32, 1);
    backend.reduce(ReduceOp.SUM, floats(x), 1, n, 1, out);
    assertThat((double) read(out)[0]).isCloseTo(n * (double) 0.1f, within(1e-2));
  }

  @Test
  void softmaxAndLogSoftmax() {
    float[] x = {1, 2, 3, 1000, 1000, 1000};
    Storage out = backend.allocate(DType.FLOAT32, 6);
    backend.softmax(floats(x), 2, 3, 1, false, out);
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    float[] got = read(out);
    assertThat((double) got[0]).isCloseTo(Math.exp(1) / z, within(1e-6));
    assertThat((double) got[2]).isCloseTo(Math.exp(3) / z, within(1e-6));
    assertThat((double) got[4]).isCloseTo(1.0 / 3, within(1e-6));
    backend.softmax(floats(x), 2, 3, 1, true, out);
    got = read(out);
    assertThat((double) got[1]).isCloseTo(2 - Math.log(z), within(1e-5));
    assertThat((double) got[5]).isCloseTo(-Math.log(3), within(1e-5));
    // along a non-last axis: [n=2, inner=2]
    backend.softmax(floats(0, 5, 0, 5), 1, 2, 2, false, out);
    assertThat(read(out)[0]).isCloseTo(0.5f, within(1e-6f));
  }

  @Test
  void gemmBatchedStridesThroughEachOperandAndRepeatsOneOfStrideZero() {
    int m = 3;
    int n = 4;
    int k = 5;
    int batch = 3;
    int strideA = m * k + 2;
    int strideC = m * n + 1;
    float[] a = randomFloats(1 + batch * strideA);
    float[] b = randomFloats(2 + k * n); // one B for every product: stride 0
    float[] c0 = randomFloats(3 + batch * strideC);
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        Storage c = floats(c0.clone());
        backend.gemmBatched(
            ta, tb, m, n, k, 2, floats(a), 1, strideA, floats(b), 2, 0, 0.5, c, 3, strideC, batch);
        float[] got = read(c);
        for (int z = 0; z < batch; z++) {
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              double acc = 0;
              for (int p = 0; p < k; p++) {
                int oa = 1 + z * strideA;
                double av = ta ? a[oa + p * m + i] : a[oa + i * k + p];
                double bv = tb ? b[2 + j * k + p] : b[2 + p * n + j];
                acc += av * bv;
              }
              int at = 3 + z * strideC + i * n + j;
              assertThat((double) got[at])
                  .as("ta=%s tb=%s product %d [%d,%d]", ta, tb, z, i, j)
                  .isCloseTo(2 * acc + 0.5 * c0[at], within(1e-5));
            }
          }
          // The gap after each product's C is left alone.
          assertThat(got[3 + z * strideC + m * n]).isEqualTo(c0[3 + z * strideC + m * n]);
        }
      }
    }
  }

  @Test
  void gemmAllTransposesWithOffsets() {
    int m = 5;
    int n = 7;
    int k = 3;
    float[] a = randomFloats(2 + m * k);
    float[] b = randomFloats(3 + k * n);
    float[] c0 = randomFloats(1 + m * n);
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        Storage c = floats(c0.clone());
        backend.gemm(ta, tb, m, n, k, 0.5, floats(a), 2, floats(b), 3, 2, c, 1);
        float[] got = read(c);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double acc = 0;
            for (int p = 0; p < k; p++) {
              double av = ta ? a[2 + p * m + i] : a[2 + i * k + p];
              double bv = tb ? b[3 + j * k + p] : b[3 + p * n + j];
              acc += av * bv;
            }
            double want = 0.5 * acc + 2 * c0[1 + i * n + j];
            assertThat((double) got[1 + i * n + j])
                .as("ta=%s tb=%s [%d,%d]", ta, tb, i, j)
                .isCloseTo(want, within(1e-5));
          }
        }
        assertThat(got[0]).isEqualTo(c0[0]);
      }
    }
  }

  @Test
  void gemmInDoublePrecision() {
    Storage c = backend.allocate(DType.FLOAT64, 1);
    backend.gemm(
        false,
        false,
        1,
        1,
        2,
        1,
        backend.fromArray(new double[] {1e-9, 1}),
        0,
        backend.fromArray(new double[] {1, 1}),
        0,
        0,
        c,
        0);
    assertThat(((double[]) backend.toArray(c))[0]).isEqualTo(1 + 1e-9);
  }

  @Test
  void gatherAndItsAdjoint() {
    // src[outer=2, n=3, inner=1], index[2, 2, 1]
    Storage src = floats(10, 11, 12, 20, 21, 22);
    Storage idx = backend.fromArray(new long[] {2, 0, 1, 1});
    Storage out = backend.allocate(DType.FLOAT32, 4);
    backend.gather(src, 2, 3, 1, idx, 2, out);
    assertThat(read(out)).containsExactly(12, 10, 21, 21);
    Storage acc = backend.allocate(DType.FLOAT32, 6);
    backend.scatterAdd(floats(1, 2, 3, 4), 2, 3, 1, idx, 2, acc);
    assertThat(read(acc)).containsExactly(2, 0, 1, 0, 7, 0);
  }

  @Test
  void indexSelectAndItsAdjoint() {
    // src[outer=1, n=3, inner=2]
    Storage src = floats(1, 2, 3, 4, 5, 6);
    Storage idx = backend.fromArray(new long[] {2, 2, 0});
    Storage out = backend.allocate(DType.FLOAT32, 6);
    backend.indexSelect(src, 1, 3, 2, idx, 3, out);
    assertThat(read(out)).containsExactly(5, 6, 5, 6, 1, 2);
    Storage acc = backend.allocate(DType.FLOAT32, 6);
    backend.indexAdd(floats(1, 1, 2, 2, 3, 3), 1, 3, 2, idx, 3, acc);
    assertThat(read(acc)).containsExactly(3, 3, 0, 0, 3, 3);
  }

  /**
   * A bad index fails the operation, at the latest when its result is read (a GPU reports kernel
   * errors at the next synchronisation, as CUDA does).
   */
  @Test
  void outOfRangeIndicesAreRejected() {
    Storage out = backend.allocate(DType.FLOAT32, 1);
    assertThatThrownBy(
            () -> {
              backend.indexSelect(floats(1, 2), 1, 2, 1, backend.fromArray(new long[] {2}), 1, out);
              backend.toArray(out);
            })
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("index 2 is out of bounds for dimension with size 2");
    assertThatThrownBy(
            () -> {
              backend.gather(floats(1, 2), 1, 2, 1, backend.fromArray(new long[] {-1}), 1, out);
              backend.toArray(out);
            })
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("index -1");
    assertThat(read(out)).hasSize(1);
  }

  @Test
  void biasActivationAddsTheBiasAlongRowsThenActivates() {
    float[] x = {-1, 0.5f, 2, -3, 0, 1};
    float[] b = {0.5f, -1, 0.25f};
    Storage out = backend.allocate(DType.FLOAT32, 6);
    for (UnaryOp act : new UnaryOp[] {UnaryOp.RELU, UnaryOp.TANH, UnaryOp.SIGMOID}) {
      backend.biasActivation(act, floats(x), floats(b), 2, 3, out);
      float[] got = read(out);
      for (int i = 0; i < 6; i++) {
        assertThat((double) got[i])
            .as("%s at %d", act, i)
            .isCloseTo(act.apply(x[i] + b[i % 3]), within(1e-6));
      }
    }
    // In place, float64.
    Storage xd = backend.fromArray(new double[] {-1, 2});
    backend.biasActivation(UnaryOp.RELU, xd, backend.fromArray(new double[] {0.5, -0.5}), 1, 2, xd);
    assertThat((double[]) backend.toArray(xd)).containsExactly(0, 1.5);
  }

  @Test
  void crossEntropyAndItsGradientPerRowWithAnIgnoredRow() {
    float[] logits = {1, 2, 3, 0, 0, 0, 1000, 0, -1000};
    Storage targets = backend.fromArray(new long[] {2, -100, 0});
    Storage losses = backend.allocate(DType.FLOAT32, 3);
    Storage probs = backend.allocate(DType.FLOAT32, 9);
    backend.crossEntropy(floats(logits), targets, -100, 3, 3, losses, probs);
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    float[] l = read(losses);
    assertThat((double) l[0]).isCloseTo(Math.log(z) - 3, within(1e-6));
    assertThat(l[1]).isEqualTo(0f);
    assertThat((double) l[2]).isCloseTo(0, within(1e-6));
    float[] p = read(probs);
    assertThat((double) p[2]).isCloseTo(Math.exp(3) / z, within(1e-6));
    assertThat((double) p[6]).isCloseTo(1, within(1e-6));

    Storage gx = backend.allocate(DType.FLOAT32, 9);
    backend.crossEntropyBackward(probs, targets, -100, floats(2, 5, -1), 3, 3, gx);
    float[] g = read(gx);
    assertThat((double) g[0]).isCloseTo(2 * Math.exp(1) / z, within(1e-6));
    assertThat((double) g[2]).isCloseTo(2 * (Math.exp(3) / z - 1), within(1e-6));
    assertThat(new float[] {g[3], g[4], g[5]}).containsOnly(0f);
    assertThat((double) g[6]).isCloseTo(0, within(1e-6));

    assertThatThrownBy(
            () -> {
              backend.crossEntropy(
                  floats(1, 2, 3), backend.fromArray(new long[] {3}), -100, 1, 3, losses, probs);
              backend.toArray(losses);
            })
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("index 3");
  }
}
