package org.sparkgrad.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.sparkgrad.tensor.Tensor;

/**
 * Turns the samples at some indices of a data set into one batch, as PyTorch's {@code collate_fn}
 * together with the fetch that precedes it. Receiving the data set and the indices (not a list of
 * samples) lets a data set such as {@link TensorDataset} copy its rows straight into the batch.
 *
 * <p>A {@link DataLoader} with workers calls it from several threads at once.
 *
 * @param <T> the sample type
 * @param <B> the batch type
 */
@FunctionalInterface
public interface Collate<T, B> {
  /** The batch made of samples {@code indices} (in that order) of {@code dataset}. */
  B collate(Dataset<? extends T> dataset, int[] indices);

  /**
   * PyTorch's default collation for samples that are {@code Tensor[]}: field {@code f} of the batch
   * stacks field {@code f} of every sample along a new first dimension, so samples {@code [*]}
   * become a batch {@code [B, *]}. A {@link TensorDataset} copies its rows directly; other data
   * sets are asked for each sample and each field is copied into one array.
   *
   * @throws IllegalArgumentException if samples differ in their number of fields, or a field in
   *     shape or dtype
   */
  static Collate<Tensor[], Tensor[]> stack() {
    return (dataset, indices) -> {
      if (dataset instanceof TensorDataset td) {
        return td.batch(indices);
      }
      List<Tensor[]> samples = new ArrayList<>(indices.length);
      for (int i : indices) {
        samples.add(dataset.get(i));
      }
      return Stacking.stack(samples, indices);
    };
  }

  /** Batches as lists of samples, in order. */
  static <T> Collate<T, List<T>> toList() {
    return (dataset, indices) -> {
      List<T> out = new ArrayList<>(indices.length);
      for (int i : indices) {
        out.add(dataset.get(i));
      }
      return Collections.unmodifiableList(out);
    };
  }

  /** A PyTorch-style {@code collate_fn}: {@code fn} receives the samples, in order. */
  static <T, B> Collate<T, B> ofSamples(Function<? super List<T>, ? extends B> fn) {
    Collate<T, List<T>> list = toList();
    return (dataset, indices) -> fn.apply(list.collate(dataset, indices));
  }
}
