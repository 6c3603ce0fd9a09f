package org.sparkgrad.tensor;

/** Selection by int64 index, with the scatter-add that is its adjoint. */
final class Indexing {
  private Indexing() {}

  static Tensor indexSelect(Tensor x, int dim, Tensor index) {
    Checks.index("indexSelect", index);
    if (index.dim() > 1) {
      throw new IllegalArgumentException(
          "indexSelect: index must be 0-d or 1-d, got shape " + Shapes.str(index.rawShape()));
    }
    int d = Shapes.axis(dim, x.dim());
    int[] s = x.rawShape();
    int outer = Shapes.prod(s, 0, d);
    int inner = Shapes.prod(s, d + 1, s.length);
    int k = index.numel();
    int[] outShape = s.clone();
    outShape[d] = k;
    Tensor out = Tensor.allocate(x, x.dtype(), outShape);
    x.backend().indexSelect(x.storage(), outer, s[d], inner, index.storage(), k, out.storage());
    return Autograd.record(
        out,
        "IndexSelectBackward",
        g -> {
          Tensor gx = x.zerosLike();
          x.backend().indexAdd(g.storage(), outer, s[d], inner, index.storage(), k, gx.storage());
          return new Tensor[] {gx, null};
        },
        x,
        index);
  }

  static Tensor gather(Tensor x, int dim, Tensor index) {
    Checks.index("gather", index);
    int d = Shapes.axis(dim, x.dim());
    int[] s = x.rawShape();
    int[] is = index.rawShape();
    if (is.length != s.length) {
      throw new IllegalArgumentException(
          "gather: index has rank " + is.length + " but the input has rank " + s.length);
    }
    for (int i = 0; i < s.length; i++) {
      if (i != d && is[i] != s[i]) {
        throw new IllegalArgumentException(
            "gather: index shape "
                + Shapes.str(is)
                + " must match input shape "
                + Shapes.str(s)
                + " except in dimension "
                + d);
      }
    }
    int outer = Shapes.prod(s, 0, d);
    int inner = Shapes.prod(s, d + 1, s.length);
    int k = is[d];
    Tensor out = Tensor.allocate(x, x.dtype(), is);
    x.backend().gather(x.storage(), outer, s[d], inner, index.storage(), k, out.storage());
    return Autograd.record(
        out,
        "GatherBackward",
        g -> {
          Tensor gx = x.zerosLike();
          x.backend().scatterAdd(g.storage(), outer, s[d], inner, index.storage(), k, gx.storage());
          return new Tensor[] {gx, null};
        },
        x,
        index);
  }

  /**
   * The slice at {@code index} along {@code dim}, with that dimension removed, as {@code
   * torch.select} and Python's {@code x[index]} ({@code dim = 0}) or {@code x[:, index]} ({@code
   * dim = 1}); a negative index counts from the end. Differentiable (a narrow and a reshape).
   */
  static Tensor select(Tensor x, int dim, int index) {
    if (x.dim() == 0) {
      throw new IllegalArgumentException("select: a 0-d tensor cannot be indexed");
    }
    int d = Shapes.axis(dim, x.dim());
    int size = x.rawShape()[d];
    int i = index < 0 ? index + size : index;
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(
          "select: index " + index + " is out of range for dimension " + d + " of size " + size);
    }
    int[] out = new int[x.dim() - 1];
    for (int k = 0, j = 0; k < x.dim(); k++) {
      if (k != d) {
        out[j++] = x.rawShape()[k];
      }
    }
    return ShapeOps.narrow(x, d, i, 1).reshape(out);
  }
}
