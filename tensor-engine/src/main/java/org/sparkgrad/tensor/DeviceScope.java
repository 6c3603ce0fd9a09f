package org.sparkgrad.tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.sparkgrad.backend.Storage;

/**
 * Releases, when closed, the device memory of every tensor created inside it on this thread, except
 * the tensors it is told to keep (and their gradients): the deterministic release of a training
 * step's intermediates that PyTorch gets from reference counting.
 *
 * <pre>{@code
 * try (DeviceScope scope = DeviceScope.open(model.parameters())) {
 *   optimizer.zeroGrad();
 *   Tensor loss = lossFn.forward(model.forward(x), y);
 *   loss.backward();
 *   lastLoss = loss.item();
 * }
 * optimizer.step();
 * }</pre>
 *
 * <p>Without a scope, a GPU tensor's memory goes back to the caching allocator when the garbage
 * collector finds the tensor unreachable, which it does on the Java heap's schedule: until then
 * each new activation is a fresh {@code cuMemAlloc}, which is slow and waits for the GPU. With one,
 * the next step's tensors reuse the same blocks from the cache.
 *
 * <p>A tensor created inside and used after the scope (other than those kept) fails as a closed
 * storage does; state created inside that must outlive it, such as an optimizer's buffers on its
 * first step, must be kept ({@link #keep}) or created outside. CPU tensors are left to the garbage
 * collector, unless the scope is a recycling one.
 *
 * <p>A recycling scope ({@link #openRecycling}) also takes the float32 CPU tensors created inside
 * from this thread's pool of free buffers, and gives their buffers back when it closes, so the next
 * step's tensors of the same shapes reuse them instead of new, zeroed arrays: the training step's
 * intermediates cost no allocation. A released CPU tensor fails on use, as a closed device storage
 * does; its buffer is never seen through two tensors. Ops that write every output element (GEMMs,
 * elementwise maps, copies) take a buffer without zeroing it, the others zero it, so results are
 * bitwise those without a scope.
 *
 * <p>Scopes nest: what an inner scope keeps belongs to the outer one.
 */
public final class DeviceScope implements AutoCloseable {
  private static final ThreadLocal<DeviceScope> CURRENT = new ThreadLocal<>();

  private final DeviceScope outer;
  private final boolean recycling;
  private final List<Storage> created = new ArrayList<>();
  private final List<Tensor> kept = new ArrayList<>();
  private boolean closed;

  private DeviceScope(DeviceScope outer, boolean recycling) {
    this.outer = outer;
    this.recycling = recycling;
  }

  /** Opens a scope on this thread that keeps {@code keep} (for example a model's parameters). */
  public static DeviceScope open(Iterable<Tensor> keep) {
    return open(keep, false);
  }

  /**
   * Opens a scope on this thread that keeps {@code keep} (a model's parameters and buffers, and
   * their gradients) and also recycles the CPU buffers of everything else created inside: the scope
   * for a training step's forward and backward. Whatever must outlive it (a returned prediction, an
   * optimizer's state on its first step) must be kept, copied out ({@link Tensor#item()}, {@link
   * Tensor#toFloatArray()}) or created outside.
   */
  public static DeviceScope openRecycling(Iterable<Tensor> keep) {
    return open(keep, true);
  }

  private static DeviceScope open(Iterable<Tensor> keep, boolean recycling) {
    DeviceScope scope = new DeviceScope(CURRENT.get(), recycling);
    for (Tensor t : keep) {
      scope.keep(t);
    }
    CURRENT.set(scope);
    return scope;
  }

  /** Keeps {@code t} (and its gradient) past this scope too. Returns {@code t}. */
  public Tensor keep(Tensor t) {
    kept.add(t);
    return t;
  }

  /**
   * Records a device storage just created on this thread, to be released when the innermost open
   * scope closes. Called by device backends for each storage they create; does nothing outside a
   * scope.
   */
  public static void track(Storage storage) {
    DeviceScope scope = CURRENT.get();
    if (scope != null) {
      scope.created.add(storage);
    }
  }

  /**
   * True if the innermost open scope on this thread is a recycling one: CPU backends then take
   * float32 buffers from this thread's pool and {@link #track} their storages.
   */
  public static boolean recycling() {
    DeviceScope scope = CURRENT.get();
    return scope != null && scope.recycling;
  }

  /** Releases the device memory of the tensors created inside, except the kept ones. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (CURRENT.get() != this) {
      throw new IllegalStateException(
          "DeviceScope closed out of order or on another thread than the one that opened it:"
              + " close the innermost scope first");
    }
    closed = true;
    CURRENT.set(outer);
    Set<Storage> keep = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Tensor t : kept) {
      keep.add(t.storage());
      Tensor g = t.keptGrad();
      if (g != null) {
        keep.add(g.storage());
      }
    }
    for (Storage s : created) {
      if (keep.contains(s)) {
        // A kept host buffer stays out of pools unless the outer scope recycles too.
        if (outer != null && (outer.recycling || s.device().isCuda())) {
          outer.created.add(s);
        }
      } else {
        s.close();
      }
    }
  }
}
