package org.sparkgrad.tensor;

/**
 * {@code im2col} (PyTorch's {@code torch.nn.functional.unfold}) for 2-D convolution and pooling:
 * padding and patch extraction are each one strided copy, and the backward pass is one strided add,
 * so a backend needs no convolution kernel of its own.
 */
final class Convolution {
  private Convolution() {}

  static Tensor im2col(Tensor x, int kernelH, int kernelW, int stride, int padding) {
    if (x.dim() != 4) {
      throw new IllegalArgumentException(
          "im2col expects an input of shape [N, C, H, W], got " + Shapes.str(x.rawShape()));
    }
    if (kernelH <= 0 || kernelW <= 0 || stride <= 0 || padding < 0) {
      throw new IllegalArgumentException(
          "im2col: kernel and stride must be > 0 and padding >= 0, got kernel "
              + kernelH
              + "x"
              + kernelW
              + ", stride "
              + stride
              + ", padding "
              + padding);
    }
    int n = x.size(0);
    int c = x.size(1);
    int h = x.size(2);
    int w = x.size(3);
    int hp = h + 2 * padding;
    int wp = w + 2 * padding;
    if (hp < kernelH || wp < kernelW) {
      throw new IllegalArgumentException(
          "im2col: kernel "
              + kernelH
              + "x"
              + kernelW
              + " is larger than the padded input "
              + hp
              + "x"
              + wp);
    }
    int oh = (hp - kernelH) / stride + 1;
    int ow = (wp - kernelW) / stride + 1;
    int[] padded = {n, c, hp, wp};
    int[] paddedStrides = Shapes.contiguousStrides(padded);
    int interior = padding * wp + padding;

    // Without padding the input is its own padded copy.
    Tensor pad = padding == 0 ? x : Tensor.allocate(x, x.dtype(), padded);
    if (padding > 0) {
      x.backend()
          .copy(
              x.storage(),
              0,
              Shapes.contiguousStrides(x.rawShape()),
              pad.storage(),
              interior,
              paddedStrides,
              x.rawShape());
    }

    // cols[n, c, ki, kj, oi, oj] = pad[n, c, oi*stride + ki, oj*stride + kj]
    int[] patchShape = {n, c, kernelH, kernelW, oh, ow};
    int[] patchStrides = {c * hp * wp, hp * wp, wp, 1, stride * wp, stride};
    int[] colsStrides = Shapes.contiguousStrides(patchShape);
    Tensor cols = Tensor.allocate(x, x.dtype(), new int[] {n, c * kernelH * kernelW, oh * ow});
    x.backend().copy(pad.storage(), 0, patchStrides, cols.storage(), 0, colsStrides, patchShape);

    int[] xShape = x.shape();
    return Autograd.record(
        cols,
        "Im2ColBackward",
        g -> {
          Tensor gpad = Tensor.allocate(g, g.dtype(), padded);
          g.backend()
              .copyAdd(g.storage(), 0, colsStrides, gpad.storage(), 0, patchStrides, patchShape);
          if (padding == 0) {
            return new Tensor[] {gpad};
          }
          Tensor gx = Tensor.allocate(g, g.dtype(), xShape);
          g.backend()
              .copy(
                  gpad.storage(),
                  interior,
                  paddedStrides,
                  gx.storage(),
                  0,
                  Shapes.contiguousStrides(xShape),
                  xShape);
          return new Tensor[] {gx};
        },
        x);
  }
}
