package org.sparkgrad.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sparkgrad.util.ChildJvm;
import org.sparkgrad.util.FloatBits;

/**
 * The row kernels: the Vector API form (which this module's tests load, the surefire JVM having
 * {@code jdk.incubator.vector}) gives the scalar loops' bits on rows of every length around the
 * vector widths, at any offset, with signed zeros, infinities and NaN; and a JVM without the
 * module, or with {@code -Dsparkgrad.vectorApi=false}, runs the scalar loops. The pool's kernels
 * are in {@link FloatPoolingTest}.
 */
class FloatRowsTest {
  private static final float[] SPECIAL = {
    Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, 1e-40f
  };

  @Test
  void thisJvmRunsTheVectorKernels() {
    assertThat(FloatRows.vectorised()).isTrue();
    assertThat(FloatRows.get().getClass().getSimpleName()).isEqualTo("VectorFloatRows");
  }

  @Test
  void vectorSumHasTheScalarBits() {
    Random r = new Random(5);
    FloatRows scalar = new FloatRows();
    float[] x = new float[800];
    for (int i = 0; i < x.length; i++) {
      // Magnitudes over 2^40 apart: a different order of adds gives different bits.
      x[i] = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(40)));
    }
    for (int n = 0; n <= 70; n++) {
      for (int base : new int[] {0, 3, 17}) {
        assertThat(bits(FloatRows.get().sum(x, base, n)))
            .as("n %d, base %d", n, base)
            .isEqualTo(bits(scalar.sum(x, base, n)));
      }
    }
    assertThat(bits(FloatRows.get().sum(x, 5, 676))).isEqualTo(bits(scalar.sum(x, 5, 676)));
    float[] withSpecial = x.clone();
    for (float v : SPECIAL) {
      withSpecial[40] = v;
      assertThat(bits(FloatRows.get().sum(withSpecial, 1, 100)))
          .as("with %s", v)
          .isEqualTo(bits(scalar.sum(withSpecial, 1, 100)));
    }
  }

  @Test
  void sumIsSixteenPartialsAddedPairwise() {
    // 32 elements: partial q holds x[q] + x[16 + q]; 1e20 and -1e20 cancel only pairwise.
    float[] x = new float[33];
    x[0] = 1e20f;
    x[16] = 3;
    x[8] = -1e20f;
    x[32] = 0.5f;
    // Partial 0 = 1e20 + 3 + 0.5 (the tail), partial 8 = -1e20: in double 1e20 + 3.5 - 1e20.
    double expected = ((1e20 + 3.0) + 0.5) + -1e20;
    assertThat(new FloatRows().sum(x, 0, 33)).isEqualTo(expected);
    assertThat(FloatRows.get().sum(x, 0, 33)).isEqualTo(expected);
  }

  @Test
  void vectorAddHasTheScalarBits() {
    Random r = new Random(6);
    FloatRows scalar = new FloatRows();
    for (int n = 0; n <= 40; n++) {
      float[] src = new float[n + 9];
      float[] dst = new float[n + 9];
      for (int i = 0; i < src.length; i++) {
        src[i] = i % 7 == 3 ? SPECIAL[i % SPECIAL.length] : (float) r.nextGaussian();
        dst[i] = i % 5 == 1 ? SPECIAL[(i + 2) % SPECIAL.length] : (float) r.nextGaussian();
      }
      float[] a = dst.clone();
      float[] b = dst.clone();
      scalar.addInto(a, 4, src, 2, n);
      FloatRows.get().addInto(b, 4, src, 2, n);
      assertThat(FloatBits.of(b)).as("n %d", n).isEqualTo(FloatBits.of(a));
    }
  }

  @Test
  void vectorCopyIsArraycopy() {
    Random r = new Random(7);
    float[] src = new float[60];
    for (int i = 0; i < src.length; i++) {
      // NaN payloads and signed zeros too: a copy keeps bits.
      src[i] = i % 9 == 4 ? Float.intBitsToFloat(0x7fc00000 | i) : i % 9 == 7 ? -0f : r.nextFloat();
    }
    for (int n = 0; n <= 40; n++) {
      for (int s : new int[] {0, 3, 19}) {
        float[] expected = new float[n + 12];
        float[] actual = new float[n + 12];
        java.util.Arrays.fill(expected, 42f);
        java.util.Arrays.fill(actual, 42f);
        System.arraycopy(src, s, expected, 5, n);
        FloatRows.get().copy(src, s, actual, 5, n);
        assertThat(FloatBits.of(actual)).as("n %d, s %d", n, s).isEqualTo(FloatBits.of(expected));
      }
    }
  }

  @Test
  void withoutTheModuleOrWhenTurnedOffTheScalarLoopsRun() throws Exception {
    ChildJvm.run(List.of(), ExpectScalar.class, 60);
    ChildJvm.run(
        List.of("--add-modules", "jdk.incubator.vector", "-Dsparkgrad.vectorApi=false"),
        ExpectScalar.class,
        60);
  }

  /** Exits 1 unless this JVM runs the scalar loops. */
  public static final class ExpectScalar {
    private ExpectScalar() {}

    public static void main(String[] args) {
      System.exit(
          !FloatRows.vectorised() && FloatRows.get().sum(new float[] {1, 2}, 0, 2) == 3 ? 0 : 1);
    }
  }

  private static long bits(double d) {
    return Double.doubleToRawLongBits(d);
  }
}
