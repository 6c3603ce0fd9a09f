package org.sparkgrad.backend.cpu;

/**
 * im2col and its adjoint col2im for float {@code [N, C, H, W]} inputs, each in one pass: the zero
 * padding is handled by index ranges (the output positions whose tap falls inside the input), so no
 * padded copy of the input (and of its gradient) is made, and a stride-1 row of taps is one copy
 * ({@link FloatRows#copy}). The patch matrix is laid out {@code [C*kH*kW, N*OH*OW]}: row {@code (c,
 * ki, kj)}, column {@code (n, oi, oj)}, holding {@code x[n, c, oi*stride - padding + ki, oj*stride
 * - padding + kj]} (0 outside the input), as the convolution's single GEMM wants it.
 */
public final class FloatConvolution {
  private FloatConvolution() {}

  /**
   * The geometry of one convolution's patches: input {@code [n, c, h, w]}, output {@code oh x ow}.
   */
  public record Geometry(
      int n, int c, int h, int w, int kh, int kw, int stride, int padding, int oh, int ow) {
    /**
     * The first output index (of {@code outSize}) whose tap {@code k} lands at input index >= 0.
     */
    int first(int k, int outSize) {
      return Math.min(outSize, Math.max(0, -Math.floorDiv(k - padding, stride)));
    }

    /**
     * One past the last output index (of {@code outSize}) whose tap {@code k} lands in {@code
     * size}.
     */
    int end(int k, int size, int outSize) {
      return Math.max(
          first(k, outSize), Math.min(outSize, Math.floorDiv(size + padding - k - 1, stride) + 1));
    }
  }

  /**
   * Fills {@code cols[C*kH*kW, N*OH*OW]} with the patches of {@code x}; every element is written.
   */
  public static void im2col(float[] x, Geometry g, float[] cols) {
    im2col(x, 0, g, cols);
  }

  /**
   * {@link #im2col} of the {@code g.n()} images of {@code x} from index {@code xOffset} on (a chunk
   * of a larger batch).
   */
  public static void im2col(float[] x, int xOffset, Geometry g, float[] cols) {
    int columns = g.n() * g.oh() * g.ow();
    int row = 0;
    for (int ci = 0; ci < g.c(); ci++) {
      for (int ki = 0; ki < g.kh(); ki++) {
        int oi0 = g.first(ki, g.oh());
        int oi1 = g.end(ki, g.h(), g.oh());
        for (int kj = 0; kj < g.kw(); kj++, row++) {
          int oj0 = g.first(kj, g.ow());
          int oj1 = g.end(kj, g.w(), g.ow());
          int dst = row * columns;
          for (int b = 0; b < g.n(); b++) {
            int plane = xOffset + (b * g.c() + ci) * g.h() * g.w();
            for (int oi = 0; oi < g.oh(); oi++, dst += g.ow()) {
              if (oi < oi0 || oi >= oi1) {
                java.util.Arrays.fill(cols, dst, dst + g.ow(), 0f);
                continue;
              }
              int src = plane + (oi * g.stride() - g.padding() + ki) * g.w() - g.padding() + kj;
              copyRow(x, src, g.stride(), cols, dst, oj0, oj1, g.ow());
            }
          }
        }
      }
    }
  }

  /**
   * {@code out[dst + oj] = x[src + oj*stride]} for {@code oj} in {@code [oj0, oj1)}, 0 elsewhere.
   */
  private static void copyRow(
      float[] x, int src, int stride, float[] out, int dst, int oj0, int oj1, int ow) {
    if (oj0 > 0) {
      java.util.Arrays.fill(out, dst, dst + oj0, 0f);
    }
    if (stride == 1) {
      FloatRows.get().copy(x, src + oj0, out, dst + oj0, oj1 - oj0);
    } else {
      for (int oj = oj0; oj < oj1; oj++) {
        out[dst + oj] = x[src + oj * stride];
      }
    }
    if (oj1 < ow) {
      java.util.Arrays.fill(out, dst + oj1, dst + ow, 0f);
    }
  }

  /**
   * Adds each patch element of {@code cols[C*kH*kW, N*OH*OW]} onto the input pixel it was read
   * from: {@code gx} (zero-filled by the caller) becomes the gradient of the input of {@link
   * #im2col} when {@code cols} holds the gradient of its output. Padding taps are skipped.
   */
  public static void col2im(float[] cols, Geometry g, float[] gx) {
    col2im(cols, g, gx, 0);
  }

  /** {@link #col2im} onto the {@code g.n()} images of {@code gx} from index {@code gxOffset} on. */
  public static void col2im(float[] cols, Geometry g, float[] gx, int gxOffset) {
    int columns = g.n() * g.oh() * g.ow();
    int row = 0;
    for (int ci = 0; ci < g.c(); ci++) {
      for (int ki = 0; ki < g.kh(); ki++) {
        int oi0 = g.first(ki, g.oh());
        int oi1 = g.end(ki, g.h(), g.oh());
        for (int kj = 0; kj < g.kw(); kj++, row++) {
          int oj0 = g.first(kj, g.ow());
          int oj1 = g.end(kj, g.w(), g.ow());
          for (int b = 0; b < g.n(); b++) {
            int plane = gxOffset + (b * g.c() + ci) * g.h() * g.w();
            int src = row * columns + b * g.oh() * g.ow();
            for (int oi = oi0; oi < oi1; oi++) {
              int dst = plane + (oi * g.stride() - g.padding() + ki) * g.w() - g.padding() + kj;
              addRow(cols, src + oi * g.ow(), gx, dst, g.stride(), oj0, oj1);
            }
          }
        }
      }
    }
  }

  /** {@code gx[dst + oj*stride] += cols[src + oj]} for {@code oj} in {@code [oj0, oj1)}. */
  private static void addRow(
      float[] cols, int src, float[] gx, int dst, int stride, int oj0, int oj1) {
    if (stride == 1) {
      FloatRows.get().addInto(gx, dst + oj0, cols, src + oj0, oj1 - oj0);
    } else {
      for (int oj = oj0; oj < oj1; oj++) {
        gx[dst + oj * stride] += cols[src + oj];
      }
    }
  }
}
