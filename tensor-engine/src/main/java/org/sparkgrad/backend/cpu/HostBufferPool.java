package org.sparkgrad.backend.cpu;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * This thread's free {@code float[]} buffers, by length: the arrays of the float32 storages that a
 * recycling {@link org.sparkgrad.tensor.DeviceScope} released, handed out again to the storages of
 * the next training step, whose shapes are the same. A step then allocates (and the JVM zeroes and
 * later collects) almost nothing, as PyTorch's caching host allocator avoids fresh memory.
 *
 * <p>Per thread, so taking and giving need no lock; a buffer is only ever given back by the thread
 * that closes the scope it was created in. The pool holds at most {@link #MAX_BYTES} per thread:
 * buffers beyond that are left to the garbage collector. {@link #clear()} empties it.
 *
 * <p>A thread's pool is held through a {@link SoftReference}: the JVM drops it (every free buffer
 * of that thread at once) before it would fail an allocation for want of heap, and after a while
 * unused when the heap is short. Executors reuse their task threads, so a pool held strongly would
 * keep a finished fit's activations (up to {@link #MAX_BYTES} per thread) from whatever runs next
 * on the executor, MLlib's jobs included.
 */
public final class HostBufferPool {
  /** The most bytes of free buffers one thread keeps. */
  public static final long MAX_BYTES = 512L << 20;

  private static final ThreadLocal<SoftReference<HostBufferPool>> POOL = new ThreadLocal<>();

  private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
  private long bytes;

  private HostBufferPool() {}

  static HostBufferPool current() {
    SoftReference<HostBufferPool> ref = POOL.get();
    HostBufferPool pool = ref == null ? null : ref.get();
    if (pool == null) {
      pool = new HostBufferPool();
      POOL.set(new SoftReference<>(pool));
    }
    return pool;
  }

  /** A free buffer of exactly {@code length} floats, with stale contents, or null if none. */
  float[] take(int length) {
    ArrayDeque<float[]> q = free.get(length);
    float[] a = q == null ? null : q.pollLast();
    if (a != null) {
      bytes -= 4L * length;
    }
    return a;
  }

  /** Keeps {@code a} for a later {@link #take}, unless the pool is full. */
  void give(float[] a) {
    long size = 4L * a.length;
    if (a.length == 0 || bytes + size > MAX_BYTES) {
      return;
    }
    free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addLast(a);
    bytes += size;
  }

  /** The bytes of free buffers this thread holds. */
  public static long pooledBytes() {
    return current().bytes;
  }

  /** Drops this thread's free buffers (for a thread done training, to return their memory). */
  public static void clear() {
    HostBufferPool p = current();
    p.free.clear();
    p.bytes = 0;
  }
}
