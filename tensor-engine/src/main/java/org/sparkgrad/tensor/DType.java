package org.sparkgrad.tensor;

/**
 * The element type of a {@link Tensor}.
 *
 * <p>{@code FLOAT32} is the default for data and parameters; {@code FLOAT64} exists on the CPU for
 * gradient checks; {@code INT64} holds indices and class labels, as PyTorch's {@code torch.long}.
 * There is no boolean type: comparisons return 0/1 in the dtype of their inputs.
 */
public enum DType {
  FLOAT32("float32", 4),
  FLOAT64("float64", 8),
  INT64("int64", 8);

  private final String pyName;
  private final int byteSize;

  DType(String pyName, int byteSize) {
    this.pyName = pyName;
    this.byteSize = byteSize;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** True for the dtypes that autograd can differentiate. */
  public boolean isFloatingPoint() {
    return this != INT64;
  }

  /** The PyTorch name, {@code float32}, {@code float64} or {@code int64}. */
  @Override
  public String toString() {
    return pyName;
  }
}
