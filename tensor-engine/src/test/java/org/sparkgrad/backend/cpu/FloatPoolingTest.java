package org.sparkgrad.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sparkgrad.util.FloatBits;

/**
 * The 2x2 pool on vectors ({@link FloatPooling#maxPool2x2Vectors}, which this module's tests run,
 * the surefire JVM having {@code jdk.incubator.vector}) against the one-pass scalar loop, bit for
 * bit: values, winners, ties (the first largest in row order), ReLU's dead windows, signed zeros,
 * infinities and NaN, at output widths below, at and above the vector run and the chunk, and with
 * many planes of one window.
 */
class FloatPoolingTest {
  private static final float[] TIES = {-1f, -0f, 0f, 0.5f, 1f, 2f};
  private static final float[] SPECIAL = {
    Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, Float.MAX_VALUE, 1e-40f
  };

  @Test
  void vectorPoolHasTheOnePassBits() {
    int[][] shapes = {
      {3, 4, 4},
      {5, 10, 11},
      {4, 26, 26},
      {3, 7, 33},
      {2, 11, 11},
      {1, 4, 2 * 1100},
      {2100, 2, 2},
      {64, 26, 26}
    };
    Random r = new Random(11);
    for (int[] s : shapes) {
      for (String data : new String[] {"gaussian", "ties", "special", "relu", "relu -0"}) {
        float[] x = data(r, s[0] * s[1] * s[2], data);
        for (boolean relu : new boolean[] {true, false}) {
          assertSameBits(
              x, s[0], s[1], s[2], relu, s[0] + "x" + s[1] + "x" + s[2] + " " + data + " " + relu);
        }
      }
    }
  }

  @Test
  void windowsTieToTheFirstInRowOrderAndDeadOnesToTheirFirst() {
    // Eight windows in a 2 x 16 plane (one vector run), each a case of the rule.
    float[][] windows = {
      {0.5f, 2f, 2f, 1f}, // top right and bottom left tie: top right
      {1f, 1f, 3f, 3f}, // bottom pair tie and wins: bottom left
      {-1f, -2f, -3f, -0f}, // no positive value: +0 at the first
      {0f, -0f, 0f, 0f}, // zeros only: the first
      {1f, 2f, 3f, 4f}, // bottom right
      {4f, 3f, 2f, 1f}, // top left
      {1e-40f, 0f, 0f, 0f}, // a subnormal is positive
      {Float.POSITIVE_INFINITY, 1f, Float.POSITIVE_INFINITY, 2f} // infinities tie: the first
    };
    int[] expected = {1, 16, 0, 0, 17, 0, 0, 0};
    float[] x = new float[32];
    for (int k = 0; k < 8; k++) {
      x[2 * k] = windows[k][0];
      x[2 * k + 1] = windows[k][1];
      x[16 + 2 * k] = windows[k][2];
      x[16 + 2 * k + 1] = windows[k][3];
    }
    float[] out = new float[8];
    int[] argmax = new int[8];
    FloatPooling.maxPool2x2Vectors(x, 1, 2, 16, 1, 8, true, out, argmax);
    for (int k = 0; k < 8; k++) {
      assertThat(argmax[k] - 2 * k).as("window %d", k).isEqualTo(expected[k]);
      float winner = Math.max(x[argmax[k]], 0f);
      assertThat(Float.floatToRawIntBits(out[k]))
          .as("window %d", k)
          .isEqualTo(Float.floatToRawIntBits(winner));
    }
    assertSameBits(x, 1, 2, 16, true, "the cases");
  }

  @Test
  void vectorKernelsHaveTheScalarBitsAndStopAtTheSameRun() {
    Random r = new Random(12);
    FloatRows scalar = new FloatRows();
    int n = 61;
    float[][] v = new float[4][];
    for (int q = 0; q < 4; q++) {
      v[q] = data(r, n, "ties");
    }
    v[2][43] = Float.NaN; // in the sixth run of 8: five runs are written
    int[] base = new int[n];
    for (int k = 0; k < n; k++) {
      base[k] = 100 * k;
    }
    float[] outScalar = new float[n + 3];
    float[] outVector = new float[n + 3];
    int doneScalar = scalar.reluPoolValues(v[0], v[1], v[2], v[3], n, outScalar, 3);
    int doneVector = FloatRows.get().reluPoolValues(v[0], v[1], v[2], v[3], n, outVector, 3);
    assertThat(doneScalar).isEqualTo(40);
    assertThat(doneVector).isEqualTo(40);
    assertThat(FloatBits.of(outVector)).isEqualTo(FloatBits.of(outScalar));
    int[] argScalar = new int[n + 3];
    int[] argVector = new int[n + 3];
    scalar.reluPoolIndices(v[0], v[1], v[2], v[3], base, 40, 7, argScalar, 3);
    FloatRows.get().reluPoolIndices(v[0], v[1], v[2], v[3], base, 40, 7, argVector, 3);
    assertThat(argVector).isEqualTo(argScalar);
    float[] clear = data(r, 37, "relu");
    assertThat(FloatRows.get().signsClear(clear, 37)).isTrue();
    assertThat(scalar.signsClear(clear, 37)).isTrue();
    for (int at : new int[] {0, 31, 36}) {
      float[] one = clear.clone();
      one[at] = -0f;
      assertThat(FloatRows.get().signsClear(one, 37)).as("-0 at %d", at).isFalse();
      assertThat(FloatRows.get().signsClear(one, at)).as("before %d", at).isTrue();
      assertThat(scalar.signsClear(one, 37)).isFalse();
    }
    assertThatThrownBy(
            () ->
                FloatRows.get().reluPoolIndices(v[0], v[1], v[2], v[3], base, 41, 7, argVector, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("runs of 8");
  }

  private static void assertSameBits(
      float[] x, int planes, int h, int w, boolean relu, String what) {
    int oh = h / 2;
    int ow = w / 2;
    float[] outScalar = new float[planes * oh * ow];
    float[] outVector = new float[outScalar.length];
    int[] argScalar = new int[outScalar.length];
    int[] argVector = new int[outScalar.length];
    FloatPooling.maxPool2x2(x, planes, h, w, oh, ow, relu, outScalar, argScalar);
    FloatPooling.maxPool2x2Vectors(x, planes, h, w, oh, ow, relu, outVector, argVector);
    assertThat(argVector).as(what).isEqualTo(argScalar);
    assertThat(FloatBits.of(outVector)).as(what).isEqualTo(FloatBits.of(outScalar));
  }

  private static float[] data(Random r, int n, String kind) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] =
          switch (kind) {
            case "gaussian" -> (float) r.nextGaussian();
            case "ties" -> TIES[r.nextInt(TIES.length)];
            // ReLU's output, as a pool after F.relu sees it: sign bits clear, NaN and inf too.
            case "relu" -> Math.abs(data(r, 1, "special")[0]);
            // The same with one -0: its chunk takes the one-pass loop.
            case "relu -0" -> i == n / 2 ? -0f : Math.abs(data(r, 1, "special")[0]);
            default ->
                r.nextInt(50) == 0
                    ? SPECIAL[r.nextInt(SPECIAL.length)]
                    : TIES[r.nextInt(TIES.length)];
          };
    }
    return x;
  }
}
