package org.sparkgrad.tensor;

/** Matrix products on the backend's GEMM, with backward products that transpose by flag. */
final class LinearAlgebra {
  private LinearAlgebra() {}

  static Tensor matmul(Tensor a, Tensor b) {
    Checks.sameDeviceAndDType("matmul", a, b);
    Checks.floating("matmul", a);
    int ra = a.dim();
    int rb = b.dim();
    if (ra == 0 || rb == 0) {
      throw new IllegalArgumentException(
          "matmul: both arguments need at least 1 dimension, got shapes "
              + Shapes.str(a.rawShape())
              + " and "
              + Shapes.str(b.rawShape()));
    }
    if (ra == 1 && rb == 1) {
      return mm(a.unsqueeze(0), b.unsqueeze(1)).reshape();
    }
    if (ra == 1 && rb == 2) {
      return mm(a.unsqueeze(0), b).squeeze(0);
    }
    if (ra == 2 && rb == 1) {
      return mm(a, b.unsqueeze(1)).squeeze(1);
    }
    if (ra == 2 && rb == 2) {
      return mm(a, b);
    }
    if (ra == 3 && rb == 2) {
      int batch = a.size(0);
      int n = a.size(1);
      return mm(a.reshape(batch * n, a.size(2)), b).reshape(batch, n, b.size(1));
    }
    if (ra == 2 && rb == 3) {
      return bmm(a.unsqueeze(0).expand(b.size(0), a.size(0), a.size(1)), b);
    }
    if (ra == 3 && rb == 3) {
      int batch = Math.max(a.size(0), b.size(0));
      Tensor ea = a.size(0) == batch ? a : a.expand(batch, a.size(1), a.size(2));
      Tensor eb = b.size(0) == batch ? b : b.expand(batch, b.size(1), b.size(2));
      return bmm(ea, eb);
    }
    if (ra == 3 && rb == 1) {
      return matmul(a, b.unsqueeze(1)).squeeze(2);
    }
    if (ra == 1 && rb == 3) {
      return matmul(a.unsqueeze(0), b).squeeze(1);
    }
    throw new IllegalArgumentException(
        "matmul supports tensors of up to 3 dimensions, got shapes "
            + Shapes.str(a.rawShape())
            + " and "
            + Shapes.str(b.rawShape()));
  }

  /**
   * {@code x @ weight^T + bias} in one GEMM (the bias is written first, then accumulated onto), as
   * {@code torch.nn.functional.linear}. {@code x} is {@code [*, in]}, {@code weight} {@code [out,
   * in]}, {@code bias} {@code [out]} or null.
   */
  static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
    Checks.sameDeviceAndDType("linear", x, weight);
    if (weight.dim() != 2 || x.dim() < 1 || x.size(-1) != weight.size(1)) {
      throw new IllegalArgumentException(
          "linear: input of shape "
              + Shapes.str(x.rawShape())
              + " does not match weight of shape "
              + Shapes.str(weight.rawShape())
              + " (expected [*, "
              + weight.size(1)
              + "])");
    }
    int out = weight.size(0);
    if (bias != null && (bias.dim() != 1 || bias.size(0) != out)) {
      throw new IllegalArgumentException(
          "linear: bias of shape "
              + Shapes.str(bias.rawShape())
              + " does not match "
              + out
              + " outputs");
    }
    int in = weight.size(1);
    int rows = x.numel() / Math.max(in, 1);
    int[] outShape = x.shape();
    outShape[outShape.length - 1] = out;
    Tensor y = Tensor.allocateForOverwrite(x, x.dtype(), outShape);
    double beta = 0;
    if (bias != null) {
      Checks.sameDeviceAndDType("linear", x, bias);
      x.backend()
          .copy(
              bias.storage(),
              0,
              new int[] {0, 1},
              y.storage(),
              0,
              new int[] {out, 1},
              new int[] {rows, out});
      beta = 1;
    }
    x.backend()
        .gemm(
            false,
            true,
            rows,
            out,
            in,
            1,
            x.storage(),
            0,
            weight.storage(),
            0,
            beta,
            y.storage(),
            0);
    int[] xShape = x.shape();
    return Autograd.record(
        y,
        "AddmmBackward",
        g -> {
          Tensor g2 = g.reshape(rows, out);
          return new Tensor[] {
            x.requiresGrad() ? gemm(g2, false, weight, false).reshape(xShape) : null,
            weight.requiresGrad() ? weightGrad(g2, x.reshape(rows, in), weight) : null,
            bias != null && bias.requiresGrad() ? g2.sum(0, false) : null
          };
        },
        x,
        weight,
        bias);
  }

  /** {@code [m, k] @ [k, n]}. */
  static Tensor mm(Tensor a, Tensor b) {
    if (a.size(1) != b.size(0)) {
      throw new IllegalArgumentException(
          "mat1 and mat2 shapes cannot be multiplied ("
              + a.size(0)
              + "x"
              + a.size(1)
              + " and "
              + b.size(0)
              + "x"
              + b.size(1)
              + ")");
    }
    Tensor out = gemm(a, false, b, false);
    return Autograd.record(
        out,
        "MmBackward",
        g ->
            new Tensor[] {
              a.requiresGrad() ? gemm(g, false, b, true) : null,
              b.requiresGrad() ? gemm(a, true, g, false) : null
            },
        a,
        b);
  }

  /** {@code op(a) @ op(b)} of 2-D tensors, where {@code op} transposes when its flag is set. */
  /**
   * The weight gradient {@code g^T @ x} of {@code linear}. When {@code weight} is a leaf that
   * already has a gradient buffer of its own dtype and device (kept by {@code
   * zeroGrad(setToNone=false)} or by an earlier backward), the product is added into that buffer by
   * the GEMM itself ({@code beta = 1}), as PyTorch accumulates into {@code .grad}, or written over
   * it ({@code beta = 0}) when the buffer was zeroed, and null is returned so that nothing else is
   * added; otherwise a fresh gradient is returned.
   */
  private static Tensor weightGrad(Tensor g2, Tensor x2, Tensor weight) {
    Tensor acc = weight.isLeaf() ? weight.keptGrad() : null;
    if (acc == null
        || acc.dtype() != weight.dtype()
        || !acc.device().equals(weight.device())
        || acc.storage() == g2.storage()
        || acc.storage() == x2.storage()) {
      return gemm(g2, true, x2, false);
    }
    int m = g2.size(1);
    int n = x2.size(1);
    int k = g2.size(0);
    double beta = weight.takeZeroedGrad() ? 0 : 1;
    g2.backend()
        .gemm(true, false, m, n, k, 1, g2.storage(), 0, x2.storage(), 0, beta, acc.storage(), 0);
    return null;
  }

  static Tensor gemm(Tensor a, boolean transA, Tensor b, boolean transB) {
    int m = transA ? a.size(1) : a.size(0);
    int k = transA ? a.size(0) : a.size(1);
    int n = transB ? b.size(0) : b.size(1);
    Tensor out = Tensor.allocateForOverwrite(a, a.dtype(), new int[] {m, n});
    a.backend()
        .gemm(transA, transB, m, n, k, 1, a.storage(), 0, b.storage(), 0, 0, out.storage(), 0);
    return out;
  }

  /** {@code [B, m, k] @ [B, k, n]}. */
  static Tensor bmm(Tensor a, Tensor b) {
    if (a.size(0) != b.size(0) || a.size(2) != b.size(1)) {
      throw new IllegalArgumentException(
          "batched matmul shapes do not match: "
              + Shapes.str(a.rawShape())
              + " and "
              + Shapes.str(b.rawShape()));
    }
    Tensor out = bgemm(a, false, b, false);
    return Autograd.record(
        out,
        "BmmBackward",
        g ->
            new Tensor[] {
              a.requiresGrad() ? bgemm(g, false, b, true) : null,
              b.requiresGrad() ? bgemm(a, true, g, false) : null
            },
        a,
        b);
  }

  private static Tensor bgemm(Tensor a, boolean transA, Tensor b, boolean transB) {
    int batch = a.size(0);
    int m = transA ? a.size(2) : a.size(1);
    int k = transA ? a.size(1) : a.size(2);
    int n = transB ? b.size(1) : b.size(2);
    Tensor out = Tensor.allocateForOverwrite(a, a.dtype(), new int[] {batch, m, n});
    int sa = a.size(1) * a.size(2);
    int sb = b.size(1) * b.size(2);
    // One strided-batched product: one launch on a GPU instead of one per batch item.
    a.backend()
        .gemmBatched(
            transA,
            transB,
            m,
            n,
            k,
            1,
            a.storage(),
            0,
            sa,
            b.storage(),
            0,
            sb,
            0,
            out.storage(),
            0,
            m * n,
            batch);
    return out;
  }
}
