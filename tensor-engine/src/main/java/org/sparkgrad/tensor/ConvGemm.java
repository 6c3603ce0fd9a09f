package org.sparkgrad.tensor;

/**
 * 2-D convolution as one GEMM over the whole batch, as {@code torch.conv2d} (dilation 1, one group,
 * zero padding). The patches are laid out {@code [C*kH*kW, N*OH*OW]} (batch folded into the
 * columns), so the forward pass, the weight gradient and the patch gradient are each a single large
 * GEMM instead of one small GEMM per sample, the kernel is never copied per sample (as broadcasting
 * it for a batched product did), and the weight gradient needs no sum over the batch afterwards.
 * The bias is written into the output before the GEMM adds to it ({@code beta = 1}). Float32 on the
 * CPU runs the same GEMMs a few images at a time instead ({@link ChunkedConv}), in one pass per
 * kernel over cached chunks.
 */
final class ConvGemm {
  private ConvGemm() {}

  /** The geometry of one convolution. */
  record Geometry(int n, int c, int h, int w, int outC, int kh, int kw, int stride, int padding) {
    int hp() {
      return h + 2 * padding;
    }

    int wp() {
      return w + 2 * padding;
    }

    int oh() {
      return (hp() - kh) / stride + 1;
    }

    int ow() {
      return (wp() - kw) / stride + 1;
    }

    /** Patch elements per output position: {@code C*kH*kW}. */
    int k() {
      return c * kh * kw;
    }

    /** Output positions over the batch: {@code N*OH*OW}. */
    int columns() {
      return n * oh() * ow();
    }

    /** The index space {@code [c, ki, kj, n, oi, oj]} of the patch matrix. */
    int[] patchShape() {
      return new int[] {c, kh, kw, n, oh(), ow()};
    }

    /** Strides of {@link #patchShape} into the padded input {@code [N, C, Hp, Wp]}. */
    int[] paddedStrides() {
      int plane = hp() * wp();
      return new int[] {plane, wp(), 1, c * plane, stride * wp(), stride};
    }
  }

  static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
    check(x, weight, bias, stride, padding);
    Geometry geo =
        new Geometry(
            x.size(0),
            x.size(1),
            x.size(2),
            x.size(3),
            weight.size(0),
            weight.size(2),
            weight.size(3),
            stride,
            padding);
    if (FloatCpu.holds(x)) {
      Tensor y = ChunkedConv.forward(x, weight, bias, geo);
      return Autograd.record(
          y,
          "ConvolutionBackward",
          // A gradient of another dtype or device (none arises today) takes the generic path.
          g ->
              FloatCpu.holds(g)
                  ? ChunkedConv.backward(g, x, weight, bias, geo)
                  : backward(g, x, weight, bias, patches(x, geo), geo),
          x,
          weight,
          bias);
    }
    Tensor cols = patches(x, geo);
    Tensor y = product(x, weight, bias, cols, geo);
    return Autograd.record(
        y, "ConvolutionBackward", g -> backward(g, x, weight, bias, cols, geo), x, weight, bias);
  }

  /**
   * {@code W @ cols (+ bias)} as {@code [N, outC, OH, OW]}, on any backend: the GEMM's output is
   * filled with the bias first ({@code beta = 1}), then swapped from {@code [outC, N, P]}.
   */
  private static Tensor product(Tensor x, Tensor weight, Tensor bias, Tensor cols, Geometry geo) {
    int p = geo.oh() * geo.ow();
    // Written whole: by the bias copy, or by the GEMM with beta = 0.
    Tensor out2 = Tensor.allocateForOverwrite(x, x.dtype(), new int[] {geo.outC(), geo.columns()});
    double beta = 0;
    if (bias != null) {
      x.backend()
          .copy(
              bias.storage(),
              0,
              new int[] {1, 0},
              out2.storage(),
              0,
              new int[] {geo.columns(), 1},
              new int[] {geo.outC(), geo.columns()});
      beta = 1;
    }
    weightTimesPatches(weight, cols, geo, geo.columns(), beta, out2);
    // [outC, N, P] -> [N, outC, P]
    int[] nop = {geo.n(), geo.outC(), p};
    Tensor y =
        Tensor.allocateForOverwrite(
            x, x.dtype(), new int[] {geo.n(), geo.outC(), geo.oh(), geo.ow()});
    x.backend()
        .copy(
            out2.storage(),
            0,
            new int[] {p, geo.columns(), 1},
            y.storage(),
            0,
            Shapes.contiguousStrides(nop),
            nop);
    return y;
  }

  /**
   * {@code out[outC, columns] = W @ cols + beta * out}: the forward GEMM over {@code columns}
   * output positions (the batch's, or a chunk's in {@link ChunkedConv}).
   */
  static void weightTimesPatches(
      Tensor weight, Tensor cols, Geometry geo, int columns, double beta, Tensor out) {
    weight
        .backend()
        .gemm(
            false,
            false,
            geo.outC(),
            columns,
            geo.k(),
            1,
            weight.storage(),
            0,
            cols.storage(),
            0,
            beta,
            out.storage(),
            0);
  }

  /** {@code gw[outC, k] = gt @ cols^T + beta * gw}: the weight gradient over {@code columns}. */
  static void weightGrad(
      Tensor gt, Tensor cols, Geometry geo, int columns, double beta, Tensor gw) {
    gt.backend()
        .gemm(
            false,
            true,
            geo.outC(),
            geo.k(),
            columns,
            1,
            gt.storage(),
            0,
            cols.storage(),
            0,
            beta,
            gw.storage(),
            0);
  }

  /** {@code gcols[k, columns] = W^T @ gt}: the patch gradient over {@code columns}. */
  static void patchGrad(Tensor weight, Tensor gt, Geometry geo, int columns, Tensor gcols) {
    gt.backend()
        .gemm(
            true,
            false,
            geo.k(),
            columns,
            geo.outC(),
            1,
            weight.storage(),
            0,
            gt.storage(),
            0,
            0,
            gcols.storage(),
            0);
  }

  private static void check(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
    Checks.sameDeviceAndDType("conv2d", x, weight);
    if (bias != null) {
      Checks.sameDeviceAndDType("conv2d", x, bias);
    }
    if (x.dim() != 4) {
      throw new IllegalArgumentException(
          "conv2d: expected a 4-D input [N, C, H, W], got shape " + Shapes.str(x.rawShape()));
    }
    if (weight.dim() != 4) {
      throw new IllegalArgumentException(
          "conv2d: expected a 4-D weight [outC, inC, kH, kW], got shape "
              + Shapes.str(weight.rawShape()));
    }
    int outC = weight.size(0);
    if (x.size(1) != weight.size(1)) {
      throw new IllegalArgumentException(
          "conv2d: weight of shape "
              + Shapes.str(weight.rawShape())
              + " expects input with "
              + weight.size(1)
              + " channels, got input of shape "
              + Shapes.str(x.rawShape()));
    }
    if (bias != null && (bias.dim() != 1 || bias.size(0) != outC)) {
      throw new IllegalArgumentException(
          "conv2d: bias must have shape [" + outC + "], got " + Shapes.str(bias.rawShape()));
    }
    if (stride <= 0 || padding < 0) {
      throw new IllegalArgumentException(
          "conv2d: stride must be > 0 and padding >= 0, got stride "
              + stride
              + ", padding "
              + padding);
    }
    for (int d = 2; d < 4; d++) {
      if (x.size(d) + 2 * padding < weight.size(d)) {
        throw new IllegalArgumentException(
            "conv2d: kernel size "
                + weight.size(d)
                + " is larger than the padded input size "
                + (x.size(d) + 2 * padding));
      }
    }
  }

  private static Tensor[] backward(
      Tensor g, Tensor x, Tensor weight, Tensor bias, Tensor cols, Geometry geo) {
    boolean biasGrad = bias != null && bias.requiresGrad();
    Tensor gt = Tensor.allocateForOverwrite(g, g.dtype(), new int[] {geo.outC(), geo.columns()});
    toChannelMajor(g, gt, geo);
    Tensor gb = biasGrad ? gt.sum(1, false) : null;
    Tensor gw = null;
    if (weight.requiresGrad()) {
      gw = Tensor.allocateForOverwrite(g, g.dtype(), weight.shape());
      weightGrad(gt, cols, geo, geo.columns(), 0, gw);
    }
    Tensor gx = x.requiresGrad() ? inputGrad(gt, weight, geo) : null;
    return new Tensor[] {gx, gw, gb};
  }

  /** {@code gt[outC, N*P] = g[N, outC, P]} by a strided copy any backend runs. */
  private static void toChannelMajor(Tensor g, Tensor gt, Geometry geo) {
    int p = geo.oh() * geo.ow();
    int[] onp = {geo.outC(), geo.n(), p};
    g.backend()
        .copy(
            g.storage(),
            0,
            new int[] {p, geo.outC() * p, 1},
            gt.storage(),
            0,
            Shapes.contiguousStrides(onp),
            onp);
  }

  /** {@code W^T @ g} gives the patch gradient, which col2im adds back onto the input's pixels. */
  private static Tensor inputGrad(Tensor gt, Tensor weight, Geometry geo) {
    Tensor gcols = Tensor.allocateForOverwrite(gt, gt.dtype(), new int[] {geo.k(), geo.columns()});
    patchGrad(weight, gt, geo, geo.columns(), gcols);
    int[] padded = {geo.n(), geo.c(), geo.hp(), geo.wp()};
    Tensor gpad = Tensor.allocate(gt, gt.dtype(), padded);
    int[] shape = geo.patchShape();
    gt.backend()
        .copyAdd(
            gcols.storage(),
            0,
            Shapes.contiguousStrides(shape),
            gpad.storage(),
            0,
            geo.paddedStrides(),
            shape);
    if (geo.padding() == 0) {
      return gpad;
    }
    int[] xShape = {geo.n(), geo.c(), geo.h(), geo.w()};
    Tensor gx = Tensor.allocate(gt, gt.dtype(), xShape);
    gt.backend()
        .copy(
            gpad.storage(),
            geo.padding() * geo.wp() + geo.padding(),
            Shapes.contiguousStrides(padded),
            gx.storage(),
            0,
            Shapes.contiguousStrides(xShape),
            xShape);
    return gx;
  }

  /**
   * The patch matrix {@code [C*kH*kW, N*OH*OW]}: float32 on the CPU in one pass, otherwise read
   * from a zero-padded copy of {@code x} by a strided copy any backend runs.
   */
  private static Tensor patches(Tensor x, Geometry geo) {
    Tensor pad = x;
    if (geo.padding() > 0) {
      int[] padded = {geo.n(), geo.c(), geo.hp(), geo.wp()};
      pad = Tensor.allocate(x, x.dtype(), padded);
      x.backend()
          .copy(
              x.storage(),
              0,
              Shapes.contiguousStrides(x.rawShape()),
              pad.storage(),
              geo.padding() * geo.wp() + geo.padding(),
              Shapes.contiguousStrides(padded),
              x.rawShape());
    }
    Tensor cols = Tensor.allocate(x, x.dtype(), new int[] {geo.k(), geo.columns()});
    int[] shape = geo.patchShape();
    x.backend()
        .copy(
            pad.storage(),
            0,
            geo.paddedStrides(),
            cols.storage(),
            0,
            Shapes.contiguousStrides(shape),
            shape);
    return cols;
  }
}
