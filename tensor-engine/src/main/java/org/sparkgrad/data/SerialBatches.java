package org.sparkgrad.data;

import java.util.NoSuchElementException;

/** Batches made on the iterating thread ({@code numWorkers = 0}); exceptions pass through. */
final class SerialBatches<B> implements BatchIterator<B> {
  private final BatchPlan<B> plan;
  private int next;
  private boolean closed;

  SerialBatches(BatchPlan<B> plan) {
    this.plan = plan;
  }

  @Override
  public long epoch() {
    return plan.epoch;
  }

  @Override
  public boolean hasNext() {
    return !closed && next < plan.numBatches;
  }

  @Override
  public B next() {
    if (!hasNext()) {
      throw new NoSuchElementException(
          closed ? "the batch iterator is closed" : "no more batches in epoch " + plan.epoch);
    }
    return plan.make(next++);
  }

  @Override
  public void close() {
    closed = true;
  }
}
