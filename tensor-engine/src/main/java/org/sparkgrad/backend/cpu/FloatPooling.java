package org.sparkgrad.backend.cpu;

/**
 * 2-D max pooling of float {@code [planes, H, W]} arrays in one pass, keeping the position of each
 * window's winner for the backward pass: the composed form (patches copied out, then a max, then an
 * argmax and a scatter in the backward pass, then the patches' gradient added back) touched every
 * element five times and allocated four temporaries.
 */
public final class FloatPooling {
  private FloatPooling() {}

  /**
   * {@code out[p, oi, oj]} = the largest {@code x[p, oi*stride - padding + ki, oj*stride - padding
   * + kj]} over the {@code kernel x kernel} window (positions outside the input never win; NaN
   * wins, the last NaN of a window as in PyTorch; otherwise the first largest is kept, rows before
   * columns), and {@code argmax} its flat index into {@code x}.
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
      float[] out,
      int[] argmax) {
    if (kernel == 2 && stride == 2 && padding == 0) {
      maxPool2x2(x, planes, h, w, oh, ow, out, argmax);
      return;
    }
    for (int p = 0; p < planes; p++) {
      for (int oi = 0; oi < oh; oi++) {
        for (int oj = 0; oj < ow; oj++) {
          window(x, h, w, kernel, stride, padding, oh, ow, out, argmax, p, oi, oj);
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
  private static void maxPool2x2(
      float[] x, int planes, int h, int w, int oh, int ow, float[] out, int[] argmax) {
    for (int p = 0; p < planes; p++) {
      for (int oi = 0; oi < oh; oi++) {
        int top = p * h * w + 2 * oi * w;
        int o = (p * oh + oi) * ow;
        for (int oj = 0; oj < ow; oj++, o++) {
          int i00 = top + 2 * oj;
          int i10 = i00 + w;
          float v00 = x[i00];
          float v01 = x[i00 + 1];
          float v10 = x[i10];
          float v11 = x[i10 + 1];
          if (!Float.isFinite(v00 + v01 + v10 + v11)) {
            window(x, h, w, 2, 2, 0, oh, ow, out, argmax, p, oi, oj);
            continue;
          }
          // Strict comparisons keep the earlier of equal values: the first largest, rows first.
          int iTop = i00 + greater(v01, v00);
          int iBottom = i10 + greater(v11, v10);
          int down = greater(Math.max(v10, v11), Math.max(v00, v01));
          int best = iTop ^ ((iTop ^ iBottom) & -down);
          out[o] = x[best];
          argmax[o] = best;
        }
      }
    }
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
}
