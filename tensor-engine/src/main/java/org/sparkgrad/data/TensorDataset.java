package org.sparkgrad.data;

import java.util.Arrays;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/**
 * A data set over tensors that share their first dimension, as PyTorch's {@code TensorDataset}:
 * sample {@code i} is the {@code i}-th row of each tensor.
 *
 * <p>Shape: tensors {@code [N, *]} (each with its own {@code *} and dtype); {@link #get} returns
 * rows of shape {@code [*]} (0-d for a 1-D tensor); {@link #batch} returns {@code [B, *]}.
 *
 * <p>CPU tensors are read in place, so later in-place changes to them are seen, as in PyTorch;
 * tensors on another device are copied to the host once, here. Samples and batches are new CPU
 * tensors that share nothing with the data set. Safe for concurrent reads.
 */
public final class TensorDataset implements Dataset<Tensor[]> {
  private final Tensor[] tensors;
  private final Object[] host;
  private final int[] rowSizes;
  private final int size;

  /**
   * A data set over {@code tensors}.
   *
   * @throws IllegalArgumentException if there are none, one is 0-d, or their first dimensions
   *     differ
   */
  public TensorDataset(Tensor... tensors) {
    if (tensors.length == 0) {
      throw new IllegalArgumentException("TensorDataset needs at least one tensor");
    }
    this.tensors = tensors.clone();
    this.host = new Object[tensors.length];
    this.rowSizes = new int[tensors.length];
    for (int f = 0; f < tensors.length; f++) {
      Tensor t = tensors[f];
      if (t == null) {
        throw new IllegalArgumentException("TensorDataset tensor " + f + " is null");
      }
      if (t.dim() == 0) {
        throw new IllegalArgumentException(
            "TensorDataset tensor " + f + " is 0-d; every tensor needs a first (sample) dimension");
      }
      if (t.size(0) != tensors[0].size(0)) {
        throw new IllegalArgumentException(
            "size mismatch between tensors: tensor 0 has "
                + tensors[0].size(0)
                + " samples (shape "
                + Arrays.toString(tensors[0].shape())
                + "), tensor "
                + f
                + " has "
                + t.size(0)
                + " (shape "
                + Arrays.toString(t.shape())
                + ")");
      }
      host[f] = Rows.hostArray(t);
      rowSizes[f] = t.size(0) == 0 ? 0 : t.numel() / t.size(0);
    }
    this.size = tensors[0].size(0);
  }

  @Override
  public int size() {
    return size;
  }

  /** The number of tensors (fields) per sample. */
  public int numFields() {
    return tensors.length;
  }

  /** The tensors this data set reads (the array is a copy). */
  public Tensor[] tensors() {
    return tensors.clone();
  }

  /** Row {@code index} of each tensor, each of shape {@code [*]}. */
  @Override
  public Tensor[] get(int index) {
    return collect(new int[] {checkIndex(index)}, false);
  }

  /**
   * Rows {@code indices} of each tensor, stacked along a new first dimension: for each tensor one
   * output array, filled with one copy per row.
   *
   * @return one tensor of shape {@code [indices.length, *]} per field
   */
  public Tensor[] batch(int[] indices) {
    for (int i : indices) {
      checkIndex(i);
    }
    return collect(indices, true);
  }

  private Tensor[] collect(int[] indices, boolean stacked) {
    Tensor[] out = new Tensor[tensors.length];
    for (int f = 0; f < tensors.length; f++) {
      int[] row = Rows.rowShape(tensors[f].shape());
      DType dtype = tensors[f].dtype();
      Tensor t = Rows.allocate(dtype, stacked ? Rows.withBatch(indices.length, row) : row);
      Rows.gather(host[f], rowSizes[f], indices, Rows.target(t));
      out[f] = t;
    }
    return out;
  }

  private int checkIndex(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(
          "index " + index + " is out of range for a TensorDataset of size " + size);
    }
    return index;
  }
}
