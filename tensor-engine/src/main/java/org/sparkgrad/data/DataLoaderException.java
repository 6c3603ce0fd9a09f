package org.sparkgrad.data;

/**
 * A batch could not be delivered: a {@link DataLoader} worker failed (the worker's exception is the
 * cause), timed out, or the iterating thread was interrupted while waiting.
 */
public class DataLoaderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message and the underlying cause. */
  public DataLoaderException(String message, Throwable cause) {
    super(message, cause);
  }
}
