package org.sparkgrad.tensor;

import org.sparkgrad.backend.cpu.FloatChannelSwap;
import org.sparkgrad.backend.cpu.FloatConvolution;

/**
 * The float32 CPU convolution of {@link ConvGemm}, a few images at a time: each chunk's patches,
 * its GEMM's output and (backward) its output gradient and patch gradient are small enough to stay
 * in a core's cache between the pass that writes them and the one that reads them, where the whole
 * batch's patch matrix ({@code C*kH*kW} times the batch's output pixels: 4.5 MB for the small CNN's
 * second layer at batch 64) went out to memory and back, once per pass. The patches are not kept
 * for the backward pass either: it writes them again, chunk by chunk, which costs less than reading
 * them back and holds no batch-sized buffer between the passes.
 *
 * <p>The values are those of one GEMM over the batch up to float rounding: the weight gradient is
 * accumulated over the chunks by the GEMM ({@code beta = 1}), and the bias gradient is summed in
 * the same order as before, bit for bit.
 */
final class ChunkedConv {
  /** Floats per chunk buffer: 64K (256 KB), a few of which fit a core's L2 together. */
  static final int CHUNK_FLOATS = 1 << 16;

  private ChunkedConv() {}

  /** Images per chunk: as many as keep the larger of the chunk's patches and output in bounds. */
  static int imagesPerChunk(ConvGemm.Geometry geo) {
    long perImage = (long) Math.max(geo.k(), geo.outC()) * geo.oh() * geo.ow();
    return (int) Math.max(1, Math.min(geo.n(), CHUNK_FLOATS / Math.max(1, perImage)));
  }

  /** {@code conv2d(x, weight, bias)} as {@code [N, outC, OH, OW]}. */
  static Tensor forward(Tensor x, Tensor weight, Tensor bias, ConvGemm.Geometry geo) {
    return forward(x, weight, bias, geo, imagesPerChunk(geo));
  }

  /** {@link #forward} {@code chunk} images at a time. */
  static Tensor forward(Tensor x, Tensor weight, Tensor bias, ConvGemm.Geometry geo, int chunk) {
    int pixels = geo.oh() * geo.ow();
    Tensor cols = Tensor.allocateForOverwrite(x, x.dtype(), new int[] {geo.k() * chunk * pixels});
    Tensor out2 =
        Tensor.allocateForOverwrite(x, x.dtype(), new int[] {geo.outC() * chunk * pixels});
    Tensor y =
        Tensor.allocateForOverwrite(
            x, x.dtype(), new int[] {geo.n(), geo.outC(), geo.oh(), geo.ow()});
    float[] xs = FloatCpu.floats(x);
    float[] b = bias == null ? null : FloatCpu.floats(bias);
    for (int n0 = 0; n0 < geo.n(); n0 += chunk) {
      int images = Math.min(chunk, geo.n() - n0);
      FloatConvolution.im2col(xs, n0 * inputPlane(geo), chunkGeometry(geo, images), floats(cols));
      ConvGemm.weightTimesPatches(weight, cols, geo, images * pixels, 0, out2);
      FloatChannelSwap.toBatchMajor(
          floats(out2),
          geo.outC(),
          images,
          pixels,
          b,
          FloatCpu.floats(y),
          n0 * geo.outC() * pixels);
    }
    return y;
  }

  /** The gradients of {@code x}, {@code weight} and {@code bias} (null where none is needed). */
  static Tensor[] backward(Tensor g, Tensor x, Tensor weight, Tensor bias, ConvGemm.Geometry geo) {
    return backward(g, x, weight, bias, geo, imagesPerChunk(geo));
  }

  /** {@link #backward} {@code chunk} images at a time. */
  static Tensor[] backward(
      Tensor g, Tensor x, Tensor weight, Tensor bias, ConvGemm.Geometry geo, int chunk) {
    int pixels = geo.oh() * geo.ow();
    boolean biasGrad = bias != null && bias.requiresGrad();
    double[] sums = biasGrad ? new double[geo.outC()] : null;
    Tensor gw =
        weight.requiresGrad() ? Tensor.allocateForOverwrite(g, g.dtype(), weight.shape()) : null;
    Tensor gx =
        x.requiresGrad()
            ? Tensor.allocate(g, g.dtype(), new int[] {geo.n(), geo.c(), geo.h(), geo.w()})
            : null;
    Tensor gt = Tensor.allocateForOverwrite(g, g.dtype(), new int[] {geo.outC() * chunk * pixels});
    Tensor cols = Tensor.allocateForOverwrite(g, g.dtype(), new int[] {geo.k() * chunk * pixels});
    for (int n0 = 0; n0 < geo.n(); n0 += chunk) {
      int images = Math.min(chunk, geo.n() - n0);
      FloatConvolution.Geometry part = chunkGeometry(geo, images);
      FloatChannelSwap.toChannelMajor(
          FloatCpu.floats(g),
          n0 * geo.outC() * pixels,
          images,
          geo.outC(),
          pixels,
          floats(gt),
          sums);
      if (gw != null) {
        FloatConvolution.im2col(FloatCpu.floats(x), n0 * inputPlane(geo), part, floats(cols));
        // gw (+)= gt @ cols^T: the first chunk writes it, the others add to it.
        ConvGemm.weightGrad(gt, cols, geo, images * pixels, n0 == 0 ? 0 : 1, gw);
      }
      if (gx != null) {
        // The patch gradient W^T @ gt reuses the patch buffer, read above.
        ConvGemm.patchGrad(weight, gt, geo, images * pixels, cols);
        FloatConvolution.col2im(floats(cols), part, FloatCpu.floats(gx), n0 * inputPlane(geo));
      }
    }
    Tensor gb = null;
    if (biasGrad) {
      gb = Tensor.allocateForOverwrite(g, g.dtype(), new int[] {geo.outC()});
      float[] out = FloatCpu.floats(gb);
      for (int c = 0; c < out.length; c++) {
        out[c] = (float) sums[c];
      }
    }
    return new Tensor[] {gx, gw, gb};
  }

  private static FloatConvolution.Geometry chunkGeometry(ConvGemm.Geometry geo, int images) {
    return new FloatConvolution.Geometry(
        images,
        geo.c(),
        geo.h(),
        geo.w(),
        geo.kh(),
        geo.kw(),
        geo.stride(),
        geo.padding(),
        geo.oh(),
        geo.ow());
  }

  private static int inputPlane(ConvGemm.Geometry geo) {
    return geo.c() * geo.h() * geo.w();
  }

  private static float[] floats(Tensor t) {
    return FloatCpu.floats(t);
  }
}
