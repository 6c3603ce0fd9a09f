package org.sparkgrad.backend.cpu;

/** Gather and scatter by INT64 index along the middle axis of {@code [outer, n, inner]}. */
final class Indexing {
  private Indexing() {}

  /**
   * {@code small[o, j, i] = big[o, index[o, j, i], i]}, or with {@code add} the adjoint {@code
   * big[o, index[o, j, i], i] += small[o, j, i]}.
   */
  static void gather(
      CpuStorage big,
      int outer,
      int n,
      int inner,
      CpuStorage index,
      int k,
      CpuStorage small,
      boolean add) {
    long[] idx = index.longs();
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < k; j++) {
        for (int i = 0; i < inner; i++) {
          int s = (o * k + j) * inner + i;
          int t = checked(idx[s], n);
          int b = (o * n + t) * inner + i;
          if (add) {
            big.set(b, big.get(b) + small.get(s));
          } else {
            small.set(s, big.get(b));
          }
        }
      }
    }
  }

  /**
   * {@code small[o, j, i] = big[o, index[j], i]}, or with {@code add} the adjoint {@code big[o,
   * index[j], i] += small[o, j, i]}. Rows are copied whole, which is what embeddings need.
   */
  static void indexSelect(
      CpuStorage big,
      int outer,
      int n,
      int inner,
      CpuStorage index,
      int k,
      CpuStorage small,
      boolean add) {
    long[] idx = index.longs();
    boolean floats = big.dtype() == org.sparkgrad.tensor.DType.FLOAT32;
    for (int j = 0; j < k; j++) {
      int t = checked(idx[j], n);
      for (int o = 0; o < outer; o++) {
        int s = (o * k + j) * inner;
        int b = (o * n + t) * inner;
        if (floats) {
          float[] bf = big.floats();
          float[] sf = small.floats();
          if (add) {
            for (int i = 0; i < inner; i++) {
              bf[b + i] += sf[s + i];
            }
          } else {
            System.arraycopy(bf, b, sf, s, inner);
          }
        } else {
          for (int i = 0; i < inner; i++) {
            if (add) {
              big.set(b + i, big.get(b + i) + small.get(s + i));
            } else {
              small.set(s + i, big.get(b + i));
            }
          }
        }
      }
    }
  }

  private static int checked(long index, int n) {
    if (index < 0 || index >= n) {
      throw new IndexOutOfBoundsException(
          "index " + index + " is out of bounds for dimension with size " + n);
    }
    return (int) index;
  }
}
