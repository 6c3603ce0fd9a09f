package org.sparkgrad.backend.cpu;

/**
 * 2-D max pooling of float {@code [planes, H, W]} arrays in one pass, keeping the position of each
 * window's winner for the backward pass: the composed form (patches copied out, then a max, then an
 * argmax and a scatter in the backward pass, then the patches' gradient added back) touched every
 * element five times and allocated four temporaries.
 */
public final class FloatPooling {
  /** Windows per chunk of the vectorised pool: its five scratch arrays, 20 KB, stay in L1. */
  static final int CHUNK = 1024;

  private FloatPooling() {}

  /**
   * {@code out[p, oi, oj]} = the largest {@code x[p, oi*stride - padding + ki, oj*stride - padding
   * + kj]} over the {@code kernel x kernel} window (positions outside the input never win; NaN
   * wins, the last NaN of a window as in PyTorch; otherwise the first largest is kept, rows before
   * columns), and {@code argmax} its flat index into {@code x}.
   *
   * <p>Where {@code relu} is set, the pool of {@code relu(x)}, without writing {@code relu(x)}:
   * each window's max goes through ReLU ({@code Math.max(max, 0f)}, which keeps a NaN and maps
   * {@code -0} to {@code +0}, as ReLU does), and a window whose max is not positive (nor NaN) takes
   * its first element inside the input as its winner, the one the pool of ReLU's output (all zeros
   * there) picks. So values and winners are those of the pool of {@code relu(x)} bit for bit.
   */
  @SuppressWarnings("TooManyParameters") // the pooling geometry
  public static void maxPool(
      float[] x,
      int planes,
      int h,
      int w,
      int kernel,
      int stride,
      int padding,
      int oh,
      int ow,
      boolean relu,
      float[] out,
      int[] argmax) {
    if (kernel == 2 && stride == 2 && padding == 0) {
      if (FloatRows.vectorised()) {
        maxPool2x2Vectors(x, planes, h, w, oh, ow, relu, out, argmax);
      } else {
        maxPool2x2(x, planes, h, w, oh, ow, relu, out, argmax);
      }
      return;
    }
    for (int p = 0; p < planes; p++) {
      for (int oi = 0; oi < oh; oi++) {
        for (int oj = 0; oj < ow; oj++) {
          window(x, h, w, kernel, stride, padding, oh, ow, relu, out, argmax, p, oi, oj);
        }
      }
    }
  }

  /**
   * The 2x2 stride-2 pool of CNNs without branches on the data: the winner of a window is picked by
   * arithmetic on the sign of the values' differences ({@link #greater}), not by conditionals:
   * HotSpot compiles {@code a > b ? x : y} here to branches, which mispredict on activations
   * (ReLU's zeros tie often), and the pool then ran at a tenth of the speed of a plain four-way
   * max. A window holding a NaN or an infinity (or whose sum overflows) takes the general loop, so
   * NaN wins as in PyTorch and no difference below is NaN.
   */
  @SuppressWarnings("TooManyParameters") // the pooling geometry
  static void maxPool2x2(
      float[] x,
      int planes,
      int h,
      int w,
      int oh,
      int ow,
      boolean relu,
      float[] out,
      int[] argmax) {
    maxPool2x2Rows(x, h, w, oh, ow, 0, planes * oh, relu, out, argmax);
  }

  /** {@link #maxPool2x2} of output rows {@code [r0, r1)}, the rows of all planes in turn. */
  @SuppressWarnings("TooManyParameters") // the pooling geometry and the rows
  private static void maxPool2x2Rows(
      float[] x,
      int h,
      int w,
      int oh,
      int ow,
      int r0,
      int r1,
      boolean relu,
      float[] out,
      int[] argmax) {
    for (int r = r0; r < r1; r++) {
      int p = r / oh;
      int oi = r - p * oh;
      int top = p * h * w + 2 * oi * w;
      int o = r * ow;
      for (int oj = 0; oj < ow; oj++, o++) {
        int i00 = top + 2 * oj;
        int i10 = i00 + w;
        float v00 = x[i00];
        float v01 = x[i00 + 1];
        float v10 = x[i10];
        float v11 = x[i10 + 1];
        if (!Float.isFinite(v00 + v01 + v10 + v11)) {
          window(x, h, w, 2, 2, 0, oh, ow, relu, out, argmax, p, oi, oj);
          continue;
        }
        // Strict comparisons keep the earlier of equal values: the first largest, rows first.
        int iTop = i00 + greater(v01, v00);
        int iBottom = i10 + greater(v11, v10);
        int down = greater(Math.max(v10, v11), Math.max(v00, v01));
        int best = iTop ^ ((iTop ^ iBottom) & -down);
        float max = x[best];
        if (relu) {
          // A window without a positive value: ReLU's output is all zeros there, its first wins.
          best = i00 ^ ((best ^ i00) & -greater(max, 0f));
          max = Math.max(max, 0f);
        }
        out[o] = max;
        argmax[o] = best;
      }
    }
  }

  /**
   * The 2x2 stride-2 pool on vectors, up to {@link #CHUNK} windows at a time in two passes. A
   * scalar pass copies each window's four elements into four arrays, window by window (a window's
   * columns are two apart in {@code x}; separating them in vectors takes shuffles that JDK 17's C2
   * compiles only some of the time). Then {@link FloatRows#reluPoolValues} and {@link
   * FloatRows#reluPoolIndices} take runs of 8 windows across rows and planes, so a 5-wide output is
   * vectorised as well as a wide one. The windows they leave (a run holding a NaN, the chunk's last
   * few) take the general loop. Those kernels pool ReLU's output; without {@code relu} they serve a
   * chunk whose elements all have their sign bit clear (a pool of ReLU's output that a user's
   * module applied apart, as {@code F.maxPool2d(F.relu(x))}), where ReLU changes nothing, and any
   * other chunk takes {@link #maxPool2x2}'s loop. Values and winners are that loop's, bit for bit.
   */
  @SuppressWarnings("TooManyParameters") // the pooling geometry
  static void maxPool2x2Vectors(
      float[] x,
      int planes,
      int h,
      int w,
      int oh,
      int ow,
      boolean relu,
      float[] out,
      int[] argmax) {
    int rowsPerChunk = Math.max(1, CHUNK / Math.max(ow, 1));
    int size = rowsPerChunk * ow;
    float[][] corners = new float[4][size];
    int[] base = new int[size];
    int rows = planes * oh;
    FloatRows k = FloatRows.get();
    for (int r0 = 0; r0 < rows; r0 += rowsPerChunk) {
      int r1 = Math.min(rows, r0 + rowsPerChunk);
      int n = spreadWindows(x, h, w, oh, ow, r0, r1, corners, base);
      if (!relu && !signsClear(k, corners, n)) {
        maxPool2x2Rows(x, h, w, oh, ow, r0, r1, false, out, argmax);
        continue;
      }
      int o = r0 * ow;
      int done = k.reluPoolValues(corners[0], corners[1], corners[2], corners[3], n, out, o);
      k.reluPoolIndices(corners[0], corners[1], corners[2], corners[3], base, done, w, argmax, o);
      for (int j = done; j < n; j++) {
        int r = r0 + j / ow;
        window(x, h, w, 2, 2, 0, oh, ow, relu, out, argmax, r / oh, r % oh, j % ow);
      }
    }
  }

  private static boolean signsClear(FloatRows k, float[][] corners, int n) {
    for (float[] v : corners) {
      if (!k.signsClear(v, n)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The four elements of the windows of output rows {@code [r0, r1)} (rows of all planes in turn)
   * into {@code corners[0..3][j]}, and each window's top-left index into {@code base[j]}; returns
   * the number of windows.
   */
  @SuppressWarnings("TooManyParameters") // the pooling geometry and the chunk
  private static int spreadWindows(
      float[] x, int h, int w, int oh, int ow, int r0, int r1, float[][] corners, int[] base) {
    float[] a = corners[0];
    float[] b = corners[1];
    float[] c = corners[2];
    float[] d = corners[3];
    int j = 0;
    for (int r = r0; r < r1; r++) {
      int p = r / oh;
      int top = p * h * w + 2 * (r - p * oh) * w;
      for (int oj = 0; oj < ow; oj++, j++) {
        int i = top + 2 * oj;
        a[j] = x[i];
        b[j] = x[i + 1];
        c[j] = x[i + w];
        d[j] = x[i + w + 1];
        base[j] = i;
      }
    }
    return j;
  }

  /**
   * 1 if {@code a > b}, else 0, for finite values: the sign bit of {@code b - a}. Adding zero to
   * {@code b} first turns {@code -0} into {@code +0}, so that equal values (the two zeros included)
   * give {@code +0} and compare as not greater; a nonzero difference of finite floats never rounds
   * to zero, and one that overflows keeps its sign.
   */
  private static int greater(float a, float b) {
    return Float.floatToRawIntBits((b + 0f) - a) >>> 31;
  }

  /** One output of the general loop: window {@code (oi, oj)} of plane {@code p}. */
  @SuppressWarnings("TooManyParameters") // the pooling geometry and the window
  private static void window(
      float[] x,
      int h,
      int w,
      int kernel,
      int stride,
      int padding,
      int oh,
      int ow,
      boolean relu,
      float[] out,
      int[] argmax,
      int p,
      int oi,
      int oj) {
    int plane = p * h * w;
    int i0 = Math.max(oi * stride - padding, 0);
    int i1 = Math.min(oi * stride - padding + kernel, h);
    int j0 = Math.max(oj * stride - padding, 0);
    int j1 = Math.min(oj * stride - padding + kernel, w);
    int best = plane + i0 * w + j0;
    float max = x[best];
    for (int i = i0; i < i1; i++) {
      for (int j = i == i0 ? j0 + 1 : j0; j < j1; j++) {
        float v = x[plane + i * w + j];
        // PyTorch's rule: a NaN replaces the running max, so the last NaN of a window wins.
        if (v > max || Float.isNaN(v)) {
          max = v;
          best = plane + i * w + j;
        }
      }
    }
    if (relu && !(max > 0) && !Float.isNaN(max)) {
      max = 0f;
      best = plane + i0 * w + j0;
    }
    int o = (p * oh + oi) * ow + oj;
    out[o] = max;
    argmax[o] = best;
  }

  /** {@code gx[argmax[o]] += g[o]}: the gradient goes to each window's winner. */
  public static void maxPoolBackward(float[] g, int[] argmax, float[] gx) {
    for (int o = 0; o < argmax.length; o++) {
      gx[argmax[o]] += g[o];
    }
  }

  /**
   * The backward pass of {@link #maxPool} of {@code relu(x)}, into a zeroed {@code gx}: {@code
   * gx[argmax[o]] += g[o]}, then each winner's sum times ReLU's step at the window's output ({@link
   * FloatReluGrad#step}), which is ReLU's step at the winner. That is the unfused backward pass
   * (the pool's scatter into ReLU's output gradient, then ReLU's {@code g * step}) bit for bit: an
   * element that wins no window stays {@code +0}, and a winner of several windows (overlapping
   * ones) is multiplied once per window by the same 1 or 0, which gives what one product gives,
   * signed zeros and NaN included. Where the windows are {@code disjoint} (stride at least the
   * kernel size) each element wins at most one, and one pass writes {@code step * (0 + g)}.
   */
  public static void reluMaxPoolBackward(
      float[] g, int[] argmax, float[] out, boolean disjoint, float[] gx) {
    if (disjoint) {
      for (int o = 0; o < argmax.length; o++) {
        gx[argmax[o]] = FloatReluGrad.step(out[o]) * (0f + g[o]);
      }
      return;
    }
    maxPoolBackward(g, argmax, gx);
    for (int o = 0; o < argmax.length; o++) {
      int i = argmax[o];
      gx[i] = FloatReluGrad.step(out[o]) * gx[i];
    }
  }
}
