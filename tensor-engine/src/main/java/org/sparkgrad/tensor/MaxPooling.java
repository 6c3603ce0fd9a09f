package org.sparkgrad.tensor;

import java.util.Arrays;
import org.sparkgrad.backend.cpu.FloatPooling;

/**
 * 2-D max pooling, as {@code torch.max_pool2d} (dilation 1, floor mode). A float32 CPU input is
 * pooled in one pass that keeps each window's winner for the backward pass ({@link FloatPooling});
 * other devices and dtypes take the composed form, a max over {@link Tensor#im2col} patches.
 */
final class MaxPooling {
  private MaxPooling() {}

  static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
    Tensor composed = composedOrNull(x, kernel, stride, padding);
    return composed != null ? composed : direct(x, kernel, stride, padding, false);
  }

  /**
   * {@code maxPool2d(relu(x))}, the same values and gradients bit for bit: a float32 CPU input is
   * pooled in one pass with ReLU applied to each window's max (the max commutes with ReLU), and the
   * backward pass applies ReLU's step at the winners only, so ReLU's output and its gradient, each
   * as large as {@code x}, are never written. Other inputs take ReLU, then the pool.
   */
  static Tensor reluMaxPool2d(Tensor x, int kernel, int stride, int padding) {
    if (!FloatCpu.holds(x)) {
      return maxPool2d(Activations.relu(x), kernel, stride, padding);
    }
    composedOrNull(x, kernel, stride, padding);
    return direct(x, kernel, stride, padding, true);
  }

  private static Tensor direct(Tensor x, int kernel, int stride, int padding, boolean relu) {
    int n = x.size(0);
    int c = x.size(1);
    int h = x.size(2);
    int w = x.size(3);
    int oh = (h + 2 * padding - kernel) / stride + 1;
    int ow = (w + 2 * padding - kernel) / stride + 1;
    Tensor out = Tensor.allocate(x, x.dtype(), new int[] {n, c, oh, ow});
    int[] argmax = new int[n * c * oh * ow];
    FloatPooling.maxPool(
        FloatCpu.floats(x),
        n * c,
        h,
        w,
        kernel,
        stride,
        padding,
        oh,
        ow,
        relu,
        FloatCpu.floats(out),
        argmax);
    int[] xShape = x.shape();
    return Autograd.record(
        out,
        relu ? "ReluMaxPool2DBackward" : "MaxPool2DWithIndicesBackward",
        g -> {
          Tensor gx = Tensor.allocate(g, g.dtype(), xShape);
          if (relu) {
            FloatPooling.reluMaxPoolBackward(
                FloatCpu.floats(g),
                argmax,
                FloatCpu.floats(out),
                stride >= kernel,
                FloatCpu.floats(gx));
          } else {
            FloatPooling.maxPoolBackward(FloatCpu.floats(g), argmax, FloatCpu.floats(gx));
          }
          return new Tensor[] {gx};
        },
        x);
  }

  /**
   * Checks the arguments; returns the composed result for inputs that are not float32 on the CPU,
   * null for those the direct kernel takes.
   */
  private static Tensor composedOrNull(Tensor x, int kernel, int stride, int padding) {
    if (x.dim() != 4) {
      throw new IllegalArgumentException(
          "maxPool2d: expected a 4-D input [N, C, H, W], got shape " + Arrays.toString(x.shape()));
    }
    if (kernel <= 0 || stride <= 0) {
      throw new IllegalArgumentException(
          "maxPool2d: kernel size and stride must be > 0, got kernel "
              + kernel
              + ", stride "
              + stride);
    }
    if (padding < 0 || padding > kernel / 2) {
      throw new IllegalArgumentException(
          "maxPool2d: padding must be in [0, kernel_size / 2] = [0, "
              + kernel / 2
              + "], got "
              + padding);
    }
    int n = x.size(0);
    int c = x.size(1);
    int h = x.size(2);
    int w = x.size(3);
    int oh = outSize(h, kernel, stride, padding);
    int ow = outSize(w, kernel, stride, padding);
    if (FloatCpu.holds(x)) {
      return null;
    }
    // Each channel pooled alone: [N*C, 1, H, W] -> [N*C, k*k, OH*OW], then a max over the patch.
    Tensor cols = Tensor.im2col(x.reshape(n * c, 1, h, w), kernel, kernel, stride, padding);
    if (padding > 0) {
      // Padding takes part as -inf, as in PyTorch: mark the padded positions with a ones image.
      Tensor inside =
          Tensor.im2col(Tensor.ones(1, 1, h, w).to(x.dtype()), kernel, kernel, stride, padding)
              .to(x.device());
      Tensor minusInf = Tensor.full(Double.NEGATIVE_INFINITY, x.dtype()).to(x.device());
      cols = Tensor.where(inside, cols, minusInf);
    }
    return cols.max(1, false).reshape(n, c, oh, ow);
  }

  private static int outSize(int size, int kernel, int stride, int padding) {
    int o = (size + 2 * padding - kernel) / stride + 1;
    if (size + 2 * padding < kernel) {
      throw new IllegalArgumentException(
          "kernel size "
              + kernel
              + " is larger than the padded input size "
              + (size + 2 * padding));
    }
    return o;
  }
}
