package org.sparkgrad.nn.parallel;

import java.util.Objects;
import org.sparkgrad.tensor.HostFunction;
import org.sparkgrad.tensor.Tensor;

/**
 * The {@link ReplicaReducer} of the data-parallel step running on this thread, as the default
 * process group that {@code torch.distributed} collectives use, and the differentiable all-reduce
 * over it. A trainer enters a scope around one replica's forward and backward:
 *
 * <pre>{@code
 * try (ReplicaSync sync = ReplicaSync.enter(reducer)) {
 *   Tensor loss = lossFn.forward(model.forward(x), y);
 *   loss.backward();
 * }
 * }</pre>
 *
 * and layers that need the whole step's rows ({@code BatchNorm1d} and {@code BatchNorm2d} in
 * training mode, which then behave as PyTorch's {@code nn.SyncBatchNorm}) call {@link #allReduce}.
 * Outside a scope nothing is shared and those layers see only the local batch. Scopes nest; {@link
 * #close} restores the enclosing scope's reducer.
 */
public final class ReplicaSync implements AutoCloseable {
  private static final ThreadLocal<ReplicaReducer> CURRENT = new ThreadLocal<>();

  private final ReplicaReducer previous;
  private final Thread owner;
  private boolean closed;

  private ReplicaSync(ReplicaReducer previous) {
    this.previous = previous;
    this.owner = Thread.currentThread();
  }

  /** Makes {@code reducer} this thread's reducer until {@link #close} restores the previous one. */
  public static ReplicaSync enter(ReplicaReducer reducer) {
    Objects.requireNonNull(reducer, "reducer");
    ReplicaSync scope = new ReplicaSync(CURRENT.get());
    CURRENT.set(reducer);
    return scope;
  }

  /** Whether a reducer is set on this thread. */
  public static boolean active() {
    return CURRENT.get() != null;
  }

  /**
   * The sum of {@code t} over the replicas, as {@code torch.distributed.all_reduce} inside {@code
   * SyncBatchNorm}: forward returns {@code reducer.sum(t's values)} with {@code t}'s shape, dtype
   * and device, and backward returns {@code reducer.sum(incoming gradient)}, since every replica's
   * output depends on every replica's input. Without a reducer on this thread it is an identity
   * copy. The values go through host arrays, so any device works; a float64 tensor goes through
   * {@link ReplicaReducer#sumDoubles}.
   *
   * <p>The backward uses the reducer that was current when the forward ran, so a backward after the
   * scope closed still reaches the same replicas (they must all run it).
   */
  public static Tensor allReduce(Tensor t) {
    ReplicaReducer reducer = CURRENT.get();
    HostFunction.ArrayMap sum =
        reducer == null
            ? new HostFunction.ArrayMap() {
              @Override
              public float[] floats(float[] values) {
                return values;
              }

              @Override
              public double[] doubles(double[] values) {
                return values;
              }
            }
            : new HostFunction.ArrayMap() {
              @Override
              public float[] floats(float[] values) {
                return reducer.sum(values);
              }

              @Override
              public double[] doubles(double[] values) {
                return reducer.sumDoubles(values);
              }
            };
    return HostFunction.apply("AllReduceBackward", t, sum, sum);
  }

  /**
   * Restores the reducer that was current when this scope was entered.
   *
   * @throws IllegalStateException on another thread than the one that entered the scope
   */
  @Override
  public void close() {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException(
          "ReplicaSync: a scope entered on thread '"
              + owner.getName()
              + "' must be closed on it, not on '"
              + Thread.currentThread().getName()
              + "'");
    }
    if (closed) {
      return;
    }
    closed = true;
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
  }
}
