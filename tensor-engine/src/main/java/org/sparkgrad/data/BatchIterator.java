package org.sparkgrad.data;

import java.util.Iterator;

/**
 * The batches of one epoch of a {@link DataLoader}. Closing it stops its worker threads at once; it
 * is also closed when the last batch has been delivered or a batch fails, and its workers stop by
 * themselves if it is abandoned (dropped without closing, as a {@code break} out of a for-each loop
 * does), so threads never leak. Use try-with-resources to stop them promptly when leaving early.
 *
 * @param <B> the batch type
 */
public interface BatchIterator<B> extends Iterator<B>, AutoCloseable {
  /** The epoch whose sample order this iterator follows. */
  long epoch();

  /** Stops the workers and discards prepared batches; {@link #hasNext()} is false afterwards. */
  @Override
  void close();
}
