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
   * wins; the first largest is kept, rows before columns), and {@code argmax} its flat index into
   * {@code x}.
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
    for (int p = 0; p < planes; p++) {
      int plane = p * h * w;
      for (int oi = 0; oi < oh; oi++) {
        int i0 = Math.max(oi * stride - padding, 0);
        int i1 = Math.min(oi * stride - padding + kernel, h);
        for (int oj = 0; oj < ow; oj++) {
          int j0 = Math.max(oj * stride - padding, 0);
          int j1 = Math.min(oj * stride - padding + kernel, w);
          int best = plane + i0 * w + j0;
          float max = x[best];
          for (int i = i0; i < i1 && !Float.isNaN(max); i++) {
            for (int j = i == i0 ? j0 + 1 : j0; j < j1; j++) {
              float v = x[plane + i * w + j];
              if (v > max || Float.isNaN(v)) {
                max = v;
                best = plane + i * w + j;
                if (Float.isNaN(v)) {
                  break;
                }
              }
            }
          }
          int o = (p * oh + oi) * ow + oj;
          out[o] = max;
          argmax[o] = best;
        }
      }
    }
  }

  /** {@code gx[argmax[o]] += g[o]}: the gradient goes to each window's winner. */
  public static void maxPoolBackward(float[] g, int[] argmax, float[] gx) {
    for (int o = 0; o < argmax.length; o++) {
      gx[argmax[o]] += g[o];
    }
  }
}
