package org.sparkgrad.ml.data;

/**
 * Finds our own errors inside the exceptions Spark wraps task failures in, so that a bad input
 * surfaces as the {@link IllegalArgumentException} its check threw, not as "Job aborted due to
 * stage failure".
 */
public final class SparkErrors {
  private SparkErrors() {}

  /** The first exception of type {@code type} in {@code e}'s cause chain, or null. */
  public static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /**
   * What to throw for a failed Spark job: an {@link IllegalArgumentException} found in {@code e}'s
   * causes, with its own message (and {@code e} as cause); else {@code e} itself if unchecked, or
   * wrapped in an {@link IllegalStateException} (Spark throws its checked {@code SparkException}
   * undeclared).
   */
  public static RuntimeException unwrap(Throwable e) {
    if (e instanceof IllegalArgumentException iae) {
      return iae;
    }
    IllegalArgumentException iae = find(e, IllegalArgumentException.class);
    if (iae != null) {
      return new IllegalArgumentException(iae.getMessage(), e);
    }
    if (e instanceof RuntimeException re) {
      return re;
    }
    if (e instanceof Error err) {
      throw err;
    }
    return new IllegalStateException(e.getMessage(), e);
  }
}
