package org.sparkgrad.data;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/**
 * Batches from a {@link Dataset}, as PyTorch's {@code torch.utils.data.DataLoader}: in order or
 * shuffled, optionally dropping the last incomplete batch, made on the calling thread or ahead of
 * time by background workers.
 *
 * <pre>{@code
 * DataLoader<Tensor[]> loader = new DataLoader<>(new TensorDataset(x, y), 64, true);
 * DataLoader<Tensor[]> seeded =
 *     DataLoader.builder(new TensorDataset(x, y)).batchSize(64).shuffle(true).seed(7).build();
 * for (int epoch = 0; epoch < 10; epoch++) {
 *   for (Tensor[] batch : loader) { ... batch[0] is [64, *], batch[1] is [64] ... }
 * }
 * }</pre>
 *
 * <p><b>Epochs.</b> Each call of {@link #iterator()} starts the next epoch (0, 1, 2, ...), so every
 * for-each loop sees a new order. The order of epoch {@code e} is a permutation drawn from a {@link
 * Generator} seeded by {@code (seed, e)} alone: it is reproducible and does not depend on how many
 * epochs ran before. {@link #setEpoch} (as {@code DistributedSampler.set_epoch}) and {@link
 * #iterator(long)} pick an epoch explicitly, for example when resuming from a checkpoint. The
 * builder's seed is 0 unless set; a loader made with {@code new} and {@code shuffle = true} takes
 * its seed from the {@linkplain Generator#defaultGenerator() default generator} when it is made, so
 * {@code Tensor.manualSeed(s)} before it makes its orders reproducible, as in PyTorch (which draws
 * from that generator at each epoch instead).
 *
 * <p><b>Workers.</b> With {@code numWorkers = 0} batches are made on the iterating thread. With
 * {@code numWorkers > 0}, daemon threads make up to {@code numWorkers * prefetchFactor} batches
 * ahead; they are delivered in the same order and with the same contents as without workers. A
 * worker's exception is rethrown on the iterating thread as a {@link DataLoaderException} whose
 * cause it is. Workers stop at the end of the epoch, when the {@link BatchIterator} is closed, and
 * when it is abandoned. The data set and collate function must allow concurrent calls.
 *
 * <p>What it does not do: samplers other than sequential and random permutation, pinned memory,
 * worker processes (workers are threads sharing the data set).
 *
 * @param <B> the batch type
 */
public final class DataLoader<B> implements Iterable<B> {
  private final Dataset<?> dataset;
  private final Function<int[], B> fetch;
  private final int batchSize;
  private final boolean shuffle;
  private final long seed;
  private final boolean dropLast;
  private final int numWorkers;
  private final int prefetchFactor;
  private final Duration timeout;
  private final AtomicLong nextEpoch = new AtomicLong();

  private DataLoader(Builder<B> b) {
    this.dataset = b.dataset;
    this.fetch = b.fetch;
    this.batchSize = b.batchSize;
    this.shuffle = b.shuffle;
    this.seed = b.seed;
    this.dropLast = b.dropLast;
    this.numWorkers = b.numWorkers;
    this.prefetchFactor = b.prefetchFactor;
    this.timeout = b.timeout;
  }

  /** {@code new DataLoader<>(dataset, 1, false)}: PyTorch's defaults. */
  public DataLoader(Dataset<B> dataset) {
    this(dataset, 1, false);
  }

  /** {@code new DataLoader<>(dataset, batchSize, false)}. */
  public DataLoader(Dataset<B> dataset, int batchSize) {
    this(dataset, batchSize, false);
  }

  /**
   * As {@code DataLoader(dataset, batch_size, shuffle)}: the last batch may be smaller, batches are
   * made on the iterating thread, and samples are collated as PyTorch's default does, that is
   * {@code Tensor[]} samples field by field ({@link Collate#stack()}) and {@code Tensor} samples
   * into one tensor; other sample types need {@link #builder(Dataset, Collate)}. With {@code
   * shuffle}, the seed is drawn from the default generator now (see the class comment).
   *
   * @throws IllegalArgumentException if {@code batchSize < 1}; at the first batch, if a sample is
   *     neither a {@code Tensor[]} nor a {@code Tensor}
   */
  public DataLoader(Dataset<B> dataset, int batchSize, boolean shuffle) {
    this(defaults(dataset, batchSize, shuffle));
  }

  private static <B> Builder<B> defaults(Dataset<B> dataset, int batchSize, boolean shuffle) {
    if (dataset == null) {
      throw new IllegalArgumentException("dataset must not be null");
    }
    Builder<B> b = new Builder<B>(dataset, indices -> DefaultCollate.collate(dataset, indices));
    b.batchSize(batchSize).shuffle(shuffle);
    if (shuffle) {
      Generator gen = Generator.defaultGenerator();
      synchronized (gen) {
        b.seed(gen.nextLong());
      }
    }
    return b;
  }

  /** A loader of {@code Tensor[]} samples, stacked field by field ({@link Collate#stack()}). */
  public static Builder<Tensor[]> builder(Dataset<Tensor[]> dataset) {
    return builder(dataset, Collate.stack());
  }

  /** A loader whose batches {@code collate} makes from {@code dataset}. */
  public static <T, B> Builder<B> builder(Dataset<T> dataset, Collate<T, B> collate) {
    if (dataset == null || collate == null) {
      throw new IllegalArgumentException("dataset and collate must not be null");
    }
    return new Builder<>(dataset, indices -> collate.collate(dataset, indices));
  }

  /** The number of batches per epoch, as {@code len(loader)}. */
  public int len() {
    int n = dataset.size();
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  /** The data set batches are drawn from. */
  public Dataset<?> dataset() {
    return dataset;
  }

  public int batchSize() {
    return batchSize;
  }

  public boolean shuffle() {
    return shuffle;
  }

  public long seed() {
    return seed;
  }

  public boolean dropLast() {
    return dropLast;
  }

  public int numWorkers() {
    return numWorkers;
  }

  /** The epoch that the next {@link #iterator()} will follow. */
  public long epoch() {
    return nextEpoch.get();
  }

  /** Makes the next {@link #iterator()} follow epoch {@code epoch}, then {@code epoch + 1}, .... */
  public void setEpoch(long epoch) {
    nextEpoch.set(checkEpoch(epoch));
  }

  /** The batches of the next epoch; see the class comment. */
  @Override
  public BatchIterator<B> iterator() {
    return iterator(nextEpoch.getAndIncrement());
  }

  /** The batches of epoch {@code epoch}, without changing {@link #epoch()}. */
  public BatchIterator<B> iterator(long epoch) {
    int[] order = order(epoch);
    int numBatches =
        dropLast ? order.length / batchSize : (order.length + batchSize - 1) / batchSize;
    BatchPlan<B> plan = new BatchPlan<>(epoch, order, batchSize, numBatches, fetch);
    if (numWorkers == 0) {
      return new SerialBatches<>(plan);
    }
    int prefetch = (int) Math.min(Integer.MAX_VALUE, (long) numWorkers * prefetchFactor);
    return new PrefetchingBatches<>(plan, numWorkers, prefetch, timeout);
  }

  /**
   * The sample indices of epoch {@code epoch} in the order they are batched: {@code 0..size-1}
   * without shuffling, otherwise a permutation that depends on {@code (seed, epoch)} only.
   */
  public int[] order(long epoch) {
    checkEpoch(epoch);
    int n = dataset.size();
    if (shuffle) {
      return new Generator(Generator.mix(Generator.mix(seed) + epoch)).permutation(n);
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  private static long checkEpoch(long epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    return epoch;
  }

  /** Options, with PyTorch's defaults. */
  public static final class Builder<B> {
    private final Dataset<?> dataset;
    private final Function<int[], B> fetch;
    private int batchSize = 1;
    private boolean shuffle;
    private long seed;
    private boolean dropLast;
    private int numWorkers;
    private int prefetchFactor = 2;
    private Duration timeout = Duration.ZERO;

    private Builder(Dataset<?> dataset, Function<int[], B> fetch) {
      this.dataset = dataset;
      this.fetch = fetch;
    }

    /** Samples per batch; default 1. */
    public Builder<B> batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** Whether each epoch visits the samples in a new random order; default false. */
    public Builder<B> shuffle(boolean shuffle) {
      this.shuffle = shuffle;
      return this;
    }

    /** The seed of the shuffling; default 0. */
    public Builder<B> seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Whether to drop the last batch when it has fewer than {@code batchSize} samples. */
    public Builder<B> dropLast(boolean dropLast) {
      this.dropLast = dropLast;
      return this;
    }

    /** Background threads that make batches ahead; 0 (the default) uses the calling thread. */
    public Builder<B> numWorkers(int numWorkers) {
      if (numWorkers < 0) {
        throw new IllegalArgumentException("numWorkers must be >= 0, got " + numWorkers);
      }
      this.numWorkers = numWorkers;
      return this;
    }

    /** Batches made ahead per worker; default 2. Only used with workers. */
    public Builder<B> prefetchFactor(int prefetchFactor) {
      if (prefetchFactor < 1) {
        throw new IllegalArgumentException("prefetchFactor must be >= 1, got " + prefetchFactor);
      }
      this.prefetchFactor = prefetchFactor;
      return this;
    }

    /** How long to wait for a worker's batch before failing; zero (the default) waits forever. */
    public Builder<B> timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be >= 0, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public DataLoader<B> build() {
      return new DataLoader<>(this);
    }
  }
}
