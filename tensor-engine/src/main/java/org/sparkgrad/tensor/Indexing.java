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
}
