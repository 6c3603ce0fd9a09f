package org.sparkgrad.tensor;

import java.util.List;
import org.sparkgrad.backend.Backend;
import org.sparkgrad.backend.Backends;

/**
 * Reshaping (a view of the same storage) and the ops that move elements (transpose, permute,
 * expand, narrow, cat), which copy through the backend's strided copy.
 */
final class ShapeOps {
  private ShapeOps() {}

  static Tensor reshape(Tensor x, int... newShape) {
    int[] shape = resolve(x, newShape);
    Tensor out = Tensor.over(x.storage(), shape);
    int[] old = x.shape();
    return Autograd.record(out, "ViewBackward", g -> new Tensor[] {g.reshape(old)}, x);
  }

  private static int[] resolve(Tensor x, int[] newShape) {
    int[] s = newShape.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException("only one dimension can be inferred (-1)");
        }
        infer = i;
      } else if (s[i] < 0) {
        throw new IllegalArgumentException("invalid shape dimension " + s[i]);
      } else {
        known *= s[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || x.numel() % known != 0) {
        throw new IllegalArgumentException(
            "shape " + Shapes.str(newShape) + " is invalid for input of size " + x.numel());
      }
      s[infer] = (int) (x.numel() / known);
    }
    if (Shapes.numel(s) != x.numel()) {
      throw new IllegalArgumentException(
          "shape " + Shapes.str(newShape) + " is invalid for input of size " + x.numel());
    }
    return s;
  }

  static Tensor flatten(Tensor x, int startDim, int endDim) {
    if (x.dim() == 0) {
      return x.reshape(1);
    }
    int s = Shapes.axis(startDim, x.dim());
    int e = Shapes.axis(endDim, x.dim());
    if (s > e) {
      throw new IllegalArgumentException(
          "flatten: startDim " + startDim + " comes after endDim " + endDim);
    }
    int[] shape = x.rawShape();
    int[] out = new int[shape.length - (e - s)];
    for (int i = 0, j = 0; i < shape.length; i++) {
      if (i <= s || i > e) {
        out[j++] = i == s ? Shapes.prod(shape, s, e + 1) : shape[i];
      }
    }
    return x.reshape(out);
  }

  /** A size-1 dimension at {@code dim}, in {@code [-(rank+1), rank]} (-1 appends), as PyTorch. */
  static Tensor unsqueeze(Tensor x, int dim) {
    int d = Shapes.axis(dim, x.dim() + 1);
    int[] s = x.rawShape();
    int[] out = new int[s.length + 1];
    for (int i = 0, j = 0; i < out.length; i++) {
      out[i] = i == d ? 1 : s[j++];
    }
    return x.reshape(out);
  }

  /** Removes {@code dim} if its size is 1; otherwise returns the tensor as is, as PyTorch. */
  static Tensor squeeze(Tensor x, int dim) {
    if (x.dim() == 0) {
      return x;
    }
    int d = Shapes.axis(dim, x.dim());
    int[] s = x.rawShape();
    if (s[d] != 1) {
      return x;
    }
    int[] out = new int[s.length - 1];
    for (int i = 0, j = 0; i < s.length; i++) {
      if (i != d) {
        out[j++] = s[i];
      }
    }
    return x.reshape(out);
  }

  static Tensor transpose(Tensor x, int dim0, int dim1) {
    int[] perm = new int[x.dim()];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = i;
    }
    int a = Shapes.axis(dim0, x.dim());
    int b = Shapes.axis(dim1, x.dim());
    perm[a] = b;
    perm[b] = a;
    return permute(x, perm);
  }

  static Tensor permute(Tensor x, int... dims) {
    int r = x.dim();
    if (dims.length != r) {
      throw new IllegalArgumentException(
          "permute: got " + dims.length + " dims for a tensor of rank " + r);
    }
    int[] perm = new int[r];
    boolean[] seen = new boolean[r];
    for (int i = 0; i < r; i++) {
      perm[i] = Shapes.axis(dims[i], r);
      if (seen[perm[i]]) {
        throw new IllegalArgumentException("permute: dimension " + dims[i] + " repeats");
      }
      seen[perm[i]] = true;
    }
    int[] s = x.rawShape();
    int[] own = Shapes.contiguousStrides(s);
    int[] outShape = new int[r];
    int[] srcStrides = new int[r];
    int[] inverse = new int[r];
    for (int i = 0; i < r; i++) {
      outShape[i] = s[perm[i]];
      srcStrides[i] = own[perm[i]];
      inverse[perm[i]] = i;
    }
    Tensor out = Tensor.allocateForOverwrite(x, x.dtype(), outShape);
    x.backend()
        .copy(
            x.storage(),
            0,
            srcStrides,
            out.storage(),
            0,
            Shapes.contiguousStrides(outShape),
            outShape);
    String name = r == 2 ? "TransposeBackward" : "PermuteBackward";
    return Autograd.record(out, name, g -> new Tensor[] {g.permute(inverse)}, x);
  }

  static Tensor expand(Tensor x, int... newShape) {
    int[] target = newShape.clone();
    int lead = target.length - x.dim();
    for (int i = 0; i < target.length; i++) {
      if (target[i] == -1) {
        if (i < lead) {
          throw new IllegalArgumentException("expand: -1 is not allowed for a new leading dim");
        }
        target[i] = x.rawShape()[i - lead];
      }
    }
    int[] strides = Shapes.broadcastStrides(x.rawShape(), target);
    Tensor out = Tensor.allocateForOverwrite(x, x.dtype(), target);
    x.backend()
        .copy(x.storage(), 0, strides, out.storage(), 0, Shapes.contiguousStrides(target), target);
    int[] old = x.shape();
    return Autograd.record(out, "ExpandBackward", g -> new Tensor[] {g.sumTo(old)}, x);
  }

  static Tensor narrow(Tensor x, int dim, int start, int length) {
    int d = Shapes.axis(dim, x.dim());
    int[] s = x.rawShape();
    if (start < 0 || length < 0 || start + length > s[d]) {
      throw new IndexOutOfBoundsException(
          "narrow: ["
              + start
              + ", "
              + (start + length)
              + ") is outside dimension "
              + dim
              + " of size "
              + s[d]);
    }
    int[] outShape = s.clone();
    outShape[d] = length;
    int[] strides = Shapes.contiguousStrides(s);
    Tensor out = Tensor.allocateForOverwrite(x, x.dtype(), outShape);
    x.backend()
        .copy(
            x.storage(),
            start * strides[d],
            strides,
            out.storage(),
            0,
            Shapes.contiguousStrides(outShape),
            outShape);
    return Autograd.record(
        out,
        "NarrowBackward",
        g -> {
          Tensor gx = x.zerosLike();
          x.backend()
              .copy(
                  g.storage(),
                  0,
                  Shapes.contiguousStrides(outShape),
                  gx.storage(),
                  start * strides[d],
                  strides,
                  outShape);
          return new Tensor[] {gx};
        },
        x);
  }

  /**
   * Joins tensors of one shape along a new dimension {@code dim} (in {@code [-(rank+1), rank]}), as
   * {@code torch.stack}: each tensor is unsqueezed there and the results are concatenated.
   */
  static Tensor stack(List<Tensor> tensors, int dim) {
    if (tensors.isEmpty()) {
      throw new IllegalArgumentException("stack: expected a non-empty list of tensors");
    }
    int[] shape = tensors.get(0).rawShape();
    List<Tensor> parts = new java.util.ArrayList<>(tensors.size());
    for (int i = 0; i < tensors.size(); i++) {
      Tensor t = tensors.get(i);
      if (!java.util.Arrays.equals(t.rawShape(), shape)) {
        throw new IllegalArgumentException(
            "stack: every tensor must have the same shape, tensor 0 has "
                + Shapes.str(shape)
                + ", tensor "
                + i
                + " has "
                + Shapes.str(t.rawShape()));
      }
      parts.add(unsqueeze(t, dim));
    }
    return cat(parts, dim < 0 ? dim + shape.length + 1 : dim);
  }

  static Tensor cat(List<Tensor> tensors, int dim) {
    if (tensors.isEmpty()) {
      throw new IllegalArgumentException("cat: expected a non-empty list of tensors");
    }
    Tensor first = tensors.get(0);
    int d = Shapes.axis(dim, first.dim());
    int[] outShape = first.shape();
    int total = 0;
    for (Tensor t : tensors) {
      Checks.sameDeviceAndDType("cat", first, t);
      int[] s = t.rawShape();
      if (s.length != outShape.length) {
        throw new IllegalArgumentException(
            "cat: tensors must have the same rank, got "
                + Shapes.str(first.rawShape())
                + " and "
                + Shapes.str(s));
      }
      for (int i = 0; i < s.length; i++) {
        if (i != d && s[i] != outShape[i]) {
          throw new IllegalArgumentException(
              "cat: sizes must match except in dimension "
                  + d
                  + ", got "
                  + Shapes.str(first.rawShape())
                  + " and "
                  + Shapes.str(s));
        }
      }
      total += s[d];
    }
    outShape[d] = total;
    Tensor out = Tensor.allocateForOverwrite(first, first.dtype(), outShape);
    int[] outStrides = Shapes.contiguousStrides(outShape);
    int[] starts = new int[tensors.size()];
    int at = 0;
    for (int i = 0; i < tensors.size(); i++) {
      Tensor t = tensors.get(i);
      starts[i] = at;
      first
          .backend()
          .copy(
              t.storage(),
              0,
              Shapes.contiguousStrides(t.rawShape()),
              out.storage(),
              at * outStrides[d],
              outStrides,
              t.rawShape());
      at += t.size(d);
    }
    Tensor[] inputs = tensors.toArray(new Tensor[0]);
    return Autograd.record(
        out,
        "CatBackward",
        g -> {
          Tensor[] gs = new Tensor[inputs.length];
          for (int i = 0; i < inputs.length; i++) {
            gs[i] = inputs[i].requiresGrad() ? g.narrow(d, starts[i], inputs[i].size(d)) : null;
          }
          return gs;
        },
        inputs);
  }

  static Tensor copy(Tensor x) {
    Tensor out = Tensor.allocateForOverwrite(x, x.dtype(), x.rawShape());
    int[] strides = Shapes.contiguousStrides(x.rawShape());
    x.backend().copy(x.storage(), 0, strides, out.storage(), 0, strides, x.rawShape());
    return Autograd.record(out, "CloneBackward", g -> new Tensor[] {g}, x);
  }

  static Tensor toDevice(Tensor x, Device target) {
    if (x.device().equals(target)) {
      return x;
    }
    Backend to = Backends.of(target);
    Tensor out = Tensor.over(to.fromArray(x.backend().toArray(x.storage())), x.rawShape());
    Device from = x.device();
    return Autograd.record(out, "ToCopyBackward", g -> new Tensor[] {g.to(from)}, x);
  }

  static Tensor toDType(Tensor x, DType target) {
    if (x.dtype() == target) {
      return x;
    }
    Tensor out = Tensor.allocateForOverwrite(x, target, x.rawShape());
    x.backend().cast(x.storage(), out.storage());
    DType from = x.dtype();
    if (!target.isFloatingPoint()) {
      return out;
    }
    return Autograd.record(out, "ToCopyBackward", g -> new Tensor[] {g.to(from)}, x);
  }
}
