package org.sparkgrad.backend.cuda;

import org.sparkgrad.tensor.DType;

/**
 * Gather and scatter by INT64 index along the middle axis of {@code [outer, n, inner]} ({@code
 * index.cu}). Indices are checked on the device; the first bad one comes back through the stream's
 * error record as the same {@link IndexOutOfBoundsException} the CPU backend throws, which costs
 * one wait for the stream per call.
 */
final class CudaIndexing {
  private final CudaBackend backend;

  CudaIndexing(CudaBackend backend) {
    this.backend = backend;
  }

  /** {@code out[o, j, i] = src[o, index[o, j, i], i]}. */
  void gather(
      CudaStorage src, int outer, int n, int inner, CudaStorage index, int k, CudaStorage out) {
    check("gather", src, outer, n, inner, index, (long) outer * k * inner, k, out);
    launch("gather_" + word(src.dtype()), "gather", src, index, out, outer, n, inner, k);
  }

  /** {@code out[o, index[o, j, i], i] += src[o, j, i]}. */
  void scatterAdd(
      CudaStorage src, int outer, int n, int inner, CudaStorage index, int k, CudaStorage out) {
    check("scatterAdd", out, outer, n, inner, index, (long) outer * k * inner, k, src);
    launch(
        "scatter_add_" + CudaBackend.suffix(src.dtype()),
        "scatterAdd",
        src,
        index,
        out,
        outer,
        n,
        inner,
        k);
  }

  /** {@code out[o, j, i] = src[o, index[j], i]}. */
  void indexSelect(
      CudaStorage src, int outer, int n, int inner, CudaStorage index, int k, CudaStorage out) {
    check("indexSelect", src, outer, n, inner, index, k, k, out);
    launch("index_select_" + word(src.dtype()), "indexSelect", src, index, out, outer, n, inner, k);
  }

  /** {@code out[o, index[j], i] += src[o, j, i]}. */
  void indexAdd(
      CudaStorage src, int outer, int n, int inner, CudaStorage index, int k, CudaStorage out) {
    check("indexAdd", out, outer, n, inner, index, k, k, src);
    launch(
        "index_add_" + CudaBackend.suffix(src.dtype()),
        "indexAdd",
        src,
        index,
        out,
        outer,
        n,
        inner,
        k);
  }

  /**
   * Every kernel takes (first, index, second, outer, n, inner, k, err) where "first" is read and
   * "second" written: the big array and the small one for gathers, the other way for adds.
   */
  private void launch(
      String kernel,
      String operation,
      CudaStorage read,
      CudaStorage index,
      CudaStorage written,
      int outer,
      int n,
      int inner,
      int k) {
    long total = (long) outer * k * inner;
    if (total == 0) {
      return;
    }
    StreamContext s = backend.cudaDevice().enter();
    Launch.of(s, kernel)
        .in(read)
        .in(index)
        .out(written)
        .i32(outer)
        .i32(n)
        .i32(inner)
        .i32(k)
        .errors(operation, n)
        .over(total);
    if (StreamContext.SYNCHRONOUS_ERRORS) {
      s.checkErrors();
    }
  }

  /** Gathers move whole elements: 4- or 8-byte words serve every dtype. */
  private static String word(DType dtype) {
    return CudaStorage.elementSize(dtype) == 4 ? "w32" : "w64";
  }

  /** Checks sizes and dtypes: big is {@code [outer, n, inner]}, small {@code [outer, k, inner]}. */
  private static void check(
      String what,
      CudaStorage big,
      int outer,
      int n,
      int inner,
      CudaStorage index,
      long indexSize,
      int k,
      CudaStorage small) {
    if (outer < 0 || n < 0 || inner < 0 || k < 0) {
      throw new IllegalArgumentException(
          what
              + ": sizes must be >= 0, got outer="
              + outer
              + " n="
              + n
              + " inner="
              + inner
              + " k="
              + k);
    }
    if (index.dtype() != DType.INT64) {
      throw new IllegalArgumentException(what + ": index must be int64, got " + index.dtype());
    }
    CudaBackend.requireSameDType(what, big, small);
    expect(what + " source/destination", big, (long) outer * n * inner);
    expect(what + " index", index, indexSize);
    expect(what + " result/update", small, (long) outer * k * inner);
  }

  private static void expect(String what, CudaStorage s, long size) {
    if (s.size() != size) {
      throw new IllegalArgumentException(what + " has " + s.size() + " elements, expected " + size);
    }
  }
}
