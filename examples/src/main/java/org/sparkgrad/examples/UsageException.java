package org.sparkgrad.examples;

/**
 * A bad command line: an unknown option, a missing or malformed value, a missing input. The message
 * is one line that names the option (or the file); the jobs' {@code main} prints it and exits with
 * status 2.
 */
public final class UsageException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** A usage error with a one-line message. */
  public UsageException(String message) {
    super(message);
  }
}
