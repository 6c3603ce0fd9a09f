package org.sparkgrad.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sparkgrad.tensor.Tensor;

/**
 * Background workers: same batches, same order, bounded prefetch, errors, and no leaked threads.
 */
@Timeout(60)
class DataLoaderWorkersTest {
  /** A generic Tensor[] data set that sleeps a varying time per sample and records its threads. */
  static final class SlowDataset implements Dataset<Tensor[]> {
    final int n;
    final AtomicInteger calls = new AtomicInteger();
    final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    volatile int failAt = -1;
    volatile long blockMillis;

    SlowDataset(int n) {
      this.n = n;
    }

    @Override
    public int size() {
      return n;
    }

    @Override
    public Tensor[] get(int index) {
      calls.incrementAndGet();
      threads.add(Thread.currentThread());
      if (index == failAt) {
        throw new IllegalStateException("sample " + index + " is broken");
      }
      try {
        Thread.sleep(blockMillis > 0 ? blockMillis : (index * 7L) % 4);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      return new Tensor[] {
        Tensor.of(new float[] {index, -index, index * 0.25f}),
        Tensor.ofLongs(new long[] {index}).reshape()
      };
    }
  }

  private static long liveWorkers() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(PrefetchingBatches.THREAD_PREFIX))
        .count();
  }

  /** Waits (collecting garbage, so that abandoned iterators are found) until no worker is alive. */
  private static void awaitNoWorkers() throws InterruptedException {
    long deadline =
        System.nanoTime()
            + Duration.ofSeconds(PrefetchingBatches.KEEP_ALIVE_SECONDS + 10).toNanos();
    while (liveWorkers() > 0 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(liveWorkers()).as("live DataLoader worker threads").isZero();
  }

  @AfterEach
  void noThreadOutlivesATest() throws InterruptedException {
    awaitNoWorkers();
  }

  private static List<float[]> contents(Iterable<Tensor[]> batches) {
    List<float[]> out = new ArrayList<>();
    for (Tensor[] b : batches) {
      out.add(b[0].toFloatArray());
      float[] labels = b[1].toFloatArray();
      out.add(labels);
    }
    return out;
  }

  @Test
  void workersDeliverTheSameBatchesInTheSameOrder() {
    SlowDataset ds = new SlowDataset(45);
    DataLoader<Tensor[]> serial = DataLoader.builder(ds).batchSize(4).shuffle(true).seed(3).build();
    DataLoader<Tensor[]> parallel =
        DataLoader.builder(ds).batchSize(4).shuffle(true).seed(3).numWorkers(3).build();
    for (int epoch = 0; epoch < 2; epoch++) {
      List<float[]> expected = contents(serial);
      List<float[]> actual = contents(parallel);
      assertThat(actual).hasSize(2 * serial.len()).containsExactlyElementsOf(expected);
    }
    // Also the direct-copy path of a TensorDataset.
    TensorDataset td = new TensorDataset(Tensor.arange(0, 30, 1).reshape(10, 3), Tensor.arange(10));
    assertThat(contents(DataLoader.builder(td).batchSize(3).numWorkers(2).build()))
        .containsExactlyElementsOf(contents(DataLoader.builder(td).batchSize(3).build()));
  }

  @Test
  void batchesAreMadeOnDaemonWorkerThreads() {
    SlowDataset ds = new SlowDataset(12);
    for (Tensor[] ignored : DataLoader.builder(ds).batchSize(2).numWorkers(2).build()) {
      assertThat(ignored).hasSize(2);
    }
    assertThat(ds.threads)
        .isNotEmpty()
        .allSatisfy(
            t -> {
              assertThat(t).isNotSameAs(Thread.currentThread());
              assertThat(t.isDaemon()).isTrue();
              assertThat(t.getName()).startsWith(PrefetchingBatches.THREAD_PREFIX);
            });
  }

  @Test
  void prefetchRunsAheadButStaysBounded() throws InterruptedException {
    SlowDataset ds = new SlowDataset(100);
    int batchSize = 2;
    int workers = 2;
    int factor = 3;
    DataLoader<Tensor[]> dl =
        DataLoader.builder(ds)
            .batchSize(batchSize)
            .numWorkers(workers)
            .prefetchFactor(factor)
            .build();
    try (BatchIterator<Tensor[]> it = dl.iterator()) {
      it.next();
      // After one delivery, workers * factor batches may be in flight, and no more.
      int bound = (1 + workers * factor) * batchSize;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (ds.calls.get() < bound && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(ds.calls.get()).as("samples fetched ahead").isEqualTo(bound);
      Thread.sleep(200);
      assertThat(ds.calls.get()).as("samples fetched while the consumer waits").isEqualTo(bound);
    }
  }

  @Test
  void aWorkersExceptionReachesTheIteratingThreadWithItsCause() {
    SlowDataset ds = new SlowDataset(20);
    ds.failAt = 13; // in batch 3 of batch size 4
    DataLoader<Tensor[]> dl = DataLoader.builder(ds).batchSize(4).numWorkers(3).build();
    BatchIterator<Tensor[]> it = dl.iterator();
    List<long[]> delivered = new ArrayList<>();
    assertThatThrownBy(
            () -> {
              while (it.hasNext()) {
                delivered.add(it.next()[1].toLongArray());
              }
            })
        .isInstanceOf(DataLoaderException.class)
        .hasMessageStartingWith("DataLoader worker failed preparing batch 3 of epoch 0")
        .hasCauseInstanceOf(IllegalStateException.class)
        .cause()
        .hasMessage("sample 13 is broken");
    assertThat(delivered)
        .containsExactly(
            new long[] {0, 1, 2, 3}, new long[] {4, 5, 6, 7}, new long[] {8, 9, 10, 11});
    assertThat(it.hasNext()).isFalse();
  }

  @Test
  void withoutWorkersTheExceptionPassesThroughUnwrapped() {
    SlowDataset ds = new SlowDataset(8);
    ds.failAt = 5;
    DataLoader<Tensor[]> dl = DataLoader.builder(ds).batchSize(4).build();
    assertThatThrownBy(() -> dl.forEach(b -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("sample 5 is broken");
  }

  @Test
  void aStuckWorkerTimesOutInsteadOfHanging() {
    SlowDataset ds = new SlowDataset(4);
    ds.blockMillis = 30_000;
    DataLoader<Tensor[]> dl =
        DataLoader.builder(ds).batchSize(2).numWorkers(1).timeout(Duration.ofMillis(100)).build();
    assertThatThrownBy(() -> dl.iterator().next())
        .isInstanceOf(DataLoaderException.class)
        .hasMessage("DataLoader timed out after PT0.1S waiting for batch 0 of epoch 0");
    // The stuck worker is interrupted, so the @AfterEach check finds no thread left.
  }

  @Test
  void workersStopAtTheEndOfAnEpoch() throws InterruptedException {
    DataLoader<Tensor[]> dl =
        DataLoader.builder(new SlowDataset(10)).batchSize(3).numWorkers(4).build();
    int n = 0;
    for (Tensor[] b : dl) {
      n += b[1].numel();
    }
    assertThat(n).isEqualTo(10);
    awaitNoWorkers();
  }

  @Test
  void closingStopsTheWorkers() throws InterruptedException {
    DataLoader<Tensor[]> dl =
        DataLoader.builder(new SlowDataset(200)).batchSize(2).numWorkers(3).build();
    try (BatchIterator<Tensor[]> it = dl.iterator()) {
      it.next();
      assertThat(liveWorkers()).isPositive();
    }
    awaitNoWorkers();
  }

  /** Takes one batch and drops the iterator unclosed, as a {@code break} out of a loop does. */
  private static void abandonAfterOneBatch(DataLoader<Tensor[]> dl) {
    for (Tensor[] b : dl) {
      assertThat(b[1].numel()).isEqualTo(2);
      break;
    }
  }

  @Test
  void anAbandonedIteratorLeaksNoThreads() throws InterruptedException {
    DataLoader<Tensor[]> dl =
        DataLoader.builder(new SlowDataset(200)).batchSize(2).numWorkers(3).build();
    abandonAfterOneBatch(dl);
    assertThat(liveWorkers()).isPositive();
    // Found by the garbage collector well before idle workers would time out by themselves.
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (liveWorkers() > 0 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(liveWorkers()).as("workers of the abandoned iterator").isZero();
    assertThat(PrefetchingBatches.KEEP_ALIVE_SECONDS).isGreaterThan(5);
  }
}
