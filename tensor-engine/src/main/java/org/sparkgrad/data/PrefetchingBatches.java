package org.sparkgrad.data;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batches made ahead by daemon worker threads and delivered in batch order. At most {@code
 * prefetch} batches are in preparation or waiting at any time; each delivered batch lets one more
 * start.
 *
 * <p>Threads stop when the last batch is delivered, on {@link #close()}, on the first failure, and
 * when the iterator becomes unreachable (a {@link Cleaner} shuts the pool down); idle workers also
 * exit after {@link #KEEP_ALIVE_SECONDS}, so an abandoned iterator leaks no thread even before the
 * garbage collector notices it. The tasks reference only the {@link BatchPlan}, never this
 * iterator, so they do not keep it reachable.
 */
final class PrefetchingBatches<B> implements BatchIterator<B> {
  static final String THREAD_PREFIX = "sparkgrad-dataloader-";
  static final long KEEP_ALIVE_SECONDS = 10;
  private static final Cleaner CLEANER = Cleaner.create();
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final BatchPlan<B> plan;
  private final ThreadPoolExecutor pool;
  private final Cleaner.Cleanable cleanable;
  private final ArrayDeque<Future<B>> pending = new ArrayDeque<>();
  private final long timeoutNanos;
  private int submitted;
  private int delivered;
  private boolean closed;

  PrefetchingBatches(BatchPlan<B> plan, int numWorkers, int prefetch, Duration timeout) {
    this.plan = plan;
    this.timeoutNanos = timeout.toNanos();
    String prefix = THREAD_PREFIX + POOLS.incrementAndGet() + "-worker-";
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            numWorkers,
            numWorkers,
            KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, prefix + threads.getAndIncrement());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    ThreadPoolExecutor p = pool; // the cleaning action must not capture this iterator
    this.cleanable = CLEANER.register(this, p::shutdownNow);
    while (submitted < Math.min(prefetch, plan.numBatches)) {
      submitNext();
    }
  }

  private void submitNext() {
    BatchPlan<B> p = plan;
    int b = submitted++;
    pending.add(pool.submit(() -> p.make(b)));
  }

  @Override
  public long epoch() {
    return plan.epoch;
  }

  @Override
  public boolean hasNext() {
    return !closed && delivered < plan.numBatches;
  }

  @Override
  public B next() {
    if (!hasNext()) {
      throw new NoSuchElementException(
          closed ? "the batch iterator is closed" : "no more batches in epoch " + plan.epoch);
    }
    int b = delivered;
    Future<B> f = pending.poll();
    B batch;
    try {
      batch = timeoutNanos > 0 ? f.get(timeoutNanos, TimeUnit.NANOSECONDS) : f.get();
    } catch (ExecutionException e) {
      close();
      throw new DataLoaderException(
          "DataLoader worker failed preparing batch "
              + b
              + " of epoch "
              + plan.epoch
              + ": "
              + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      close();
      throw new DataLoaderException(
          "DataLoader timed out after "
              + Duration.ofNanos(timeoutNanos)
              + " waiting for batch "
              + b
              + " of epoch "
              + plan.epoch,
          e);
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new DataLoaderException(
          "interrupted while waiting for batch " + b + " of epoch " + plan.epoch, e);
    }
    delivered++;
    if (submitted < plan.numBatches) {
      submitNext();
    }
    if (delivered == plan.numBatches) {
      close();
    }
    return batch;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Future<B> f : pending) {
      f.cancel(true);
    }
    pending.clear();
    cleanable.clean();
  }
}
