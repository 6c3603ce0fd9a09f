package org.sparkgrad.data;

import java.util.ArrayList;
import java.util.List;
import org.sparkgrad.tensor.Tensor;

/**
 * PyTorch's {@code default_collate} for the sample types this engine batches without being told
 * how: {@code Tensor[]} (stacked field by field) and {@code Tensor} (stacked into one tensor).
 */
final class DefaultCollate {
  private DefaultCollate() {}

  /**
   * The batch of samples {@code indices}. The cast to {@code B} is sound: a batch is a {@code
   * Tensor[]} (or {@code Tensor}) only when the samples, which are {@code B}s, are of that class.
   */
  @SuppressWarnings("unchecked")
  static <B> B collate(Dataset<B> dataset, int[] indices) {
    if (dataset instanceof TensorDataset td) {
      return (B) td.batch(indices);
    }
    List<Tensor[]> samples = new ArrayList<>(indices.length);
    boolean single = false;
    for (int j = 0; j < indices.length; j++) {
      Object s = dataset.get(indices[j]);
      boolean isTensor = s instanceof Tensor;
      if (s instanceof Tensor[] fields) {
        samples.add(fields);
      } else if (s instanceof Tensor t) {
        samples.add(new Tensor[] {t});
      } else {
        throw new IllegalArgumentException(
            "the default collate stacks samples that are Tensor[] or Tensor, but sample "
                + indices[j]
                + " is "
                + (s == null ? "null" : "a " + s.getClass().getName())
                + ": make the loader with DataLoader.builder(dataset, collate)");
      }
      if (j == 0) {
        single = isTensor;
      } else if (isTensor != single) {
        throw new IllegalArgumentException(
            "sample "
                + indices[j]
                + " is a "
                + s.getClass().getSimpleName()
                + ", sample "
                + indices[0]
                + " is not: every sample needs the same type");
      }
    }
    Tensor[] batch = Stacking.stack(samples, indices);
    return (B) (single ? batch[0] : batch);
  }
}
