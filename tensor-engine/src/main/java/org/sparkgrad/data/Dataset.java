package org.sparkgrad.data;

/**
 * A map-style data set, as PyTorch's {@code torch.utils.data.Dataset}: {@link #size()} samples,
 * addressed by index. {@link DataLoader} draws batches from it.
 *
 * <p>A {@link DataLoader} with {@code numWorkers > 0} calls {@link #get} from several threads at
 * once, so implementations must allow concurrent reads (an immutable data set does).
 *
 * @param <T> the type of one sample, for example {@code Tensor[]} for (features, label)
 */
public interface Dataset<T> {
  /** The number of samples, as {@code __len__}. */
  int size();

  /**
   * The sample at {@code index}, as {@code __getitem__}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   */
  T get(int index);
}
