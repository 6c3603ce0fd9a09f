package org.sparkgrad.tensor;

/**
 * A scope in which no autograd graph is recorded, as PyTorch's {@code torch.no_grad()}:
 *
 * <pre>{@code
 * try (NoGrad ignored = NoGrad.enter()) {
 *   Tensor prediction = model.forward(x);
 * }
 * }</pre>
 *
 * <p>Scopes nest and belong to the current thread only, so concurrent training on other threads is
 * unaffected.
 */
public final class NoGrad implements AutoCloseable {
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private boolean closed;

  private NoGrad() {
    DEPTH.get()[0]++;
  }

  /** Disables graph recording on this thread until {@link #close()}. */
  public static NoGrad enter() {
    return new NoGrad();
  }

  /** True if operations on this thread record a graph. */
  public static boolean isGradEnabled() {
    return DEPTH.get()[0] == 0;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      DEPTH.get()[0]--;
    }
  }
}
