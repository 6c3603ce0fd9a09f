package org.sparkgrad.backend;

import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;

/**
 * The primitives a device must implement; every tensor op, layer and loss is composed from these.
 *
 * <p>All storages passed to one call are on this backend's device. Shapes are row-major. Where a
 * primitive takes {@code outer, n, inner}, the input is viewed as a contiguous {@code [outer, n,
 * inner]} array and the primitive works along the middle axis. Element strides of 0 express
 * broadcasting. Outputs are contiguous and never alias an input unless stated.
 */
public interface Backend {
  /** The device this backend computes on. */
  Device device();

  /** A one-line description, such as {@code cpu (BLAS: OpenBLAS)}. */
  String description();

  /** A zero-filled storage of {@code size} elements. */
  Storage allocate(DType dtype, int size);

  /** A storage holding a copy of a {@code float[]}, {@code double[]} or {@code long[]}. */
  Storage fromArray(Object array);

  /** A host copy of the storage: a {@code float[]}, {@code double[]} or {@code long[]}. */
  Object toArray(Storage storage);

  /** Sets every element to {@code value}. */
  void fill(Storage storage, double value);

  /** Converts every element of {@code src} into {@code dst}'s dtype; both have the same size. */
  void cast(Storage src, Storage dst);

  /**
   * Copies the elements of an n-d region: {@code dst[dstOffset + sum(i_d * dstStrides[d])] =
   * src[srcOffset + sum(i_d * srcStrides[d])]} for every index {@code i} in {@code shape}. Covers
   * transpose, narrow, concatenation and broadcasting copies.
   */
  void copy(
      Storage src,
      int srcOffset,
      int[] srcStrides,
      Storage dst,
      int dstOffset,
      int[] dstStrides,
      int[] shape);

  /**
   * As {@link #copy}, but adds into the destination: {@code dst[...] += src[...]}. Destination
   * elements may repeat (strides that overlap); every contribution is added.
   */
  void copyAdd(
      Storage src,
      int srcOffset,
      int[] srcStrides,
      Storage dst,
      int dstOffset,
      int[] dstStrides,
      int[] shape);

  /** {@code out[i] = op(x[i])}; {@code out} may be {@code x}. */
  void unary(UnaryOp op, Storage x, Storage out);

  /**
   * {@code out[i] = op(a[i . aStrides], b[i . bStrides])} over the contiguous output {@code shape}.
   * {@code out} may be {@code a} when {@code a} is contiguous with that shape (in-place update).
   */
  void binary(
      BinaryOp op, Storage a, int[] aStrides, Storage b, int[] bStrides, Storage out, int[] shape);

  /** {@code out[i] = cond[i] != 0 ? a[i] : b[i]}, all three broadcast by their strides. */
  void where(
      Storage cond,
      int[] condStrides,
      Storage a,
      int[] aStrides,
      Storage b,
      int[] bStrides,
      Storage out,
      int[] shape);

  /** {@code y += alpha * x}, elementwise over equal sizes. */
  void axpy(double alpha, Storage x, Storage y);

  /** Reduces {@code x[outer, n, inner]} along {@code n} into {@code out[outer, inner]}. */
  void reduce(ReduceOp op, Storage x, int outer, int n, int inner, Storage out);

  /** Softmax (or log-softmax) of {@code x[outer, n, inner]} along {@code n}. */
  void softmax(Storage x, int outer, int n, int inner, boolean log, Storage out);

  /**
   * Row-major GEMM: {@code C = alpha * op(A) @ op(B) + beta * C} where {@code op(A)} is {@code m x
   * k}, {@code op(B)} is {@code k x n}, and each matrix starts at its offset and is contiguous
   * (leading dimension = its stored column count).
   */
  void gemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      double alpha,
      Storage a,
      int offsetA,
      Storage b,
      int offsetB,
      double beta,
      Storage c,
      int offsetC);

  /**
   * {@code batch} GEMMs as {@link #gemm}, the {@code z}-th on the matrices at {@code offsetA + z *
   * strideA}, {@code offsetB + z * strideB} and {@code offsetC + z * strideC} (a stride of 0
   * repeats that operand), as cuBLAS's strided-batched GEMM. Devices run them in one launch; the
   * default runs one {@link #gemm} each.
   */
  @SuppressWarnings("TooManyParameters") // the strided-batched BLAS signature
  default void gemmBatched(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      double alpha,
      Storage a,
      int offsetA,
      int strideA,
      Storage b,
      int offsetB,
      int strideB,
      double beta,
      Storage c,
      int offsetC,
      int strideC,
      int batch) {
    if (batch < 0 || strideA < 0 || strideB < 0 || strideC < 0) {
      throw new IllegalArgumentException(
          "gemmBatched needs batch and strides >= 0, got batch="
              + batch
              + " strides "
              + strideA
              + ", "
              + strideB
              + ", "
              + strideC);
    }
    for (int z = 0; z < batch; z++) {
      gemm(
          transA,
          transB,
          m,
          n,
          k,
          alpha,
          a,
          offsetA + z * strideA,
          b,
          offsetB + z * strideB,
          beta,
          c,
          offsetC + z * strideC);
    }
  }

  /**
   * {@code out[o, j, i] = src[o, index[o, j, i], i]} with {@code src[outer, n, inner]} and INT64
   * {@code index[outer, k, inner]}.
   */
  void gather(Storage src, int outer, int n, int inner, Storage index, int k, Storage out);

  /** {@code out[o, index[o, j, i], i] += src[o, j, i]}: the adjoint of {@link #gather}. */
  void scatterAdd(Storage src, int outer, int n, int inner, Storage index, int k, Storage out);

  /** {@code out[o, j, i] = src[o, index[j], i]} with an INT64 {@code index[k]}. */
  void indexSelect(Storage src, int outer, int n, int inner, Storage index, int k, Storage out);

  /** {@code out[o, index[j], i] += src[o, j, i]}: the adjoint of {@link #indexSelect}. */
  void indexAdd(Storage src, int outer, int n, int inner, Storage index, int k, Storage out);

  /**
   * A storage of {@code size} elements whose contents are unspecified, for an op that writes every
   * element before anything reads one (a GEMM with {@code beta = 0}, an elementwise map, a copy):
   * it skips the zeroing of {@link #allocate}, and inside a recycling {@code DeviceScope} a CPU
   * backend hands out a pooled buffer as it is. The default zeroes anyway.
   */
  default Storage allocateForOverwrite(DType dtype, int size) {
    return allocate(dtype, size);
  }

  /**
   * One Adam/AdamW update in place, as PyTorch's single-tensor Adam, with the {@link AdamHyper}
   * hyper-parameters: with {@code g} the gradient ({@code -grad} if {@code maximize}), plus {@code
   * weightDecay * param} unless {@code decoupled}, and {@code param *= 1 - lr * weightDecay} first
   * if {@code decoupled}: {@code m = beta1 m + (1 - beta1) g}, {@code v = beta2 v + (1 - beta2)
   * g^2}, {@code vmax = max(vmax, v)} if {@code maxExpAvgSq} is given (AMSGrad), then {@code param
   * -= lr / (1 - beta1^step) * m / (sqrt(vmax or v) / sqrt(1 - beta2^step) + eps)}. All storages
   * have the parameter's size.
   *
   * <p>Returns false, having changed nothing, where the device has no fused kernel for these
   * storages' dtype: the optimizer then composes the same update from tensor ops. The default has
   * none.
   */
  default boolean adamStep(
      Storage param,
      Storage grad,
      Storage expAvg,
      Storage expAvgSq,
      Storage maxExpAvgSq,
      AdamHyper hyper) {
    return false;
  }

  // ---- Fused primitives (issue 20): one pass where the composed ops make two or three.

  /**
   * {@code out[r, c] = act(x[r, c] + bias[c])} over a contiguous {@code [rows, cols]} array: a
   * layer's bias and its activation in one pass over the output. {@code act} is {@link
   * UnaryOp#RELU}, {@link UnaryOp#TANH} or {@link UnaryOp#SIGMOID}; {@code out} may be {@code x}.
   */
  void biasActivation(UnaryOp act, Storage x, Storage bias, int rows, int cols, Storage out);

  /**
   * Softmax and cross-entropy in one pass over {@code logits[rows, classes]}, for INT64 class
   * targets {@code t[rows]} in {@code [0, classes)} or equal to {@code ignoreIndex}: {@code
   * probs[r, :] = softmax(logits[r, :])} (kept for the backward pass) and {@code losses[r] =
   * logsumexp(logits[r, :]) - logits[r, t[r]]}, 0 where {@code t[r] == ignoreIndex}. Another target
   * out of range is an error.
   */
  void crossEntropy(
      Storage logits,
      Storage targets,
      long ignoreIndex,
      int rows,
      int classes,
      Storage losses,
      Storage probs);

  /**
   * The logits' gradient of {@link #crossEntropy}: {@code out[r, c] = (probs[r, c] - (c == t[r] ? 1
   * : 0)) * g[r]} for the losses' gradient {@code g[rows]}, 0 in rows whose target is {@code
   * ignoreIndex}.
   */
  void crossEntropyBackward(
      Storage probs,
      Storage targets,
      long ignoreIndex,
      Storage g,
      int rows,
      int classes,
      Storage out);
}
