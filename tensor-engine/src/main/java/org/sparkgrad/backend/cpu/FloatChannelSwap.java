package org.sparkgrad.backend.cpu;

/**
 * The two layout swaps around a convolution's GEMM, each fused with the bias work that happens on
 * the same elements, for float arrays: the GEMM gives {@code [C, N, P]} (channel-major, {@code P}
 * output pixels per image) where the layer's output is {@code [N, C, P]}, and its backward needs
 * the output gradient back in {@code [C, N, P]}.
 *
 * <p>Fusing saves a pass over the output each way: the forward no longer fills the GEMM's output
 * with the bias for a {@code beta = 1} GEMM (which also made the BLAS wrapper copy that output in),
 * and the backward sums the bias gradient while it swaps instead of reading the swapped gradient
 * again.
 */
public final class FloatChannelSwap {
  private FloatChannelSwap() {}

  /**
   * {@code out[b, c, i] = src[c, b, i] + bias[c]} for {@code c < channels}, {@code b < n}, {@code i
   * < pixels}; without a bias ({@code null}) a plain swap.
   */
  public static void toBatchMajor(
      float[] src, int channels, int n, int pixels, float[] bias, float[] out) {
    toBatchMajor(src, channels, n, pixels, bias, out, 0);
  }

  /**
   * {@link #toBatchMajor} into the {@code n} images of {@code out} from index {@code outOffset}.
   */
  public static void toBatchMajor(
      float[] src, int channels, int n, int pixels, float[] bias, float[] out, int outOffset) {
    for (int c = 0; c < channels; c++) {
      for (int b = 0; b < n; b++) {
        int from = (c * n + b) * pixels;
        int to = outOffset + (b * channels + c) * pixels;
        if (bias == null) {
          System.arraycopy(src, from, out, to, pixels);
        } else {
          addRow(src, from, bias[c], out, to, pixels);
        }
      }
    }
  }

  /**
   * {@code out[c, b, i] = g[b, c, i]}, and, when {@code sums} is not null, {@code sums[c]} = the
   * sum of {@code g[b, c, i]} over {@code b} and {@code i} (in double, each row by {@link
   * FloatRows#sum}, rows in order, then rounded by the caller): the bias gradient of a convolution.
   */
  public static void toChannelMajor(
      float[] g, int n, int channels, int pixels, float[] out, double[] sums) {
    if (sums != null) {
      java.util.Arrays.fill(sums, 0);
    }
    toChannelMajor(g, 0, n, channels, pixels, out, sums);
  }

  /**
   * {@link #toChannelMajor} of the {@code n} images of {@code g} from index {@code gOffset} on (a
   * chunk of a larger batch), adding each row's sum to {@code sums[c]} as it stands: over the
   * chunks of a batch, in order, the same additions in the same order as over the whole batch.
   */
  public static void toChannelMajor(
      float[] g, int gOffset, int n, int channels, int pixels, float[] out, double[] sums) {
    FloatRows rows = FloatRows.get();
    for (int c = 0; c < channels; c++) {
      double sum = sums == null ? 0 : sums[c];
      for (int b = 0; b < n; b++) {
        int from = gOffset + (b * channels + c) * pixels;
        int to = (c * n + b) * pixels;
        System.arraycopy(g, from, out, to, pixels);
        if (sums != null) {
          sum += rows.sum(out, to, pixels);
        }
      }
      if (sums != null) {
        sums[c] = sum;
      }
    }
  }

  private static void addRow(float[] src, int from, float add, float[] out, int to, int n) {
    for (int i = 0; i < n; i++) {
      out[to + i] = src[from + i] + add;
    }
  }
}
