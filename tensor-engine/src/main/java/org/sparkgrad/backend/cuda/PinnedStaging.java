package org.sparkgrad.backend.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jcuda.Pointer;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

/**
 * A thread's two page-locked host buffers that transfers go through, used in turn: while the GPU
 * copies one chunk out of (or into) one buffer, the host fills (or drains) the other. Each buffer
 * has an event recorded after the last copy queued on it, and waiting for that event, not for the
 * whole stream, is what makes the buffer safe to touch again. So an upload returns as soon as its
 * last chunk is queued (the caller's array has been copied into pinned memory by then and may be
 * reused), and the next transfer waits only if it needs that same buffer before the GPU is done.
 *
 * <p>Buffers grow on demand, in powers of two from 64 KiB up to {@link #CHUNK_MAX}; bigger
 * transfers go in chunks. Used only by its owning {@link StreamContext}'s thread.
 */
final class PinnedStaging {
  /** The largest buffer, and so the largest chunk of a transfer. */
  static final long CHUNK_MAX = 16L << 20;

  private final CudaDevice device;
  private final Pointer[] buffers = new Pointer[2];
  private final long[] sizes = new long[2];
  private final CUevent[] done = new CUevent[2];
  private int next;

  PinnedStaging(CudaDevice device) {
    this.device = device;
  }

  /**
   * The buffer that the next chunk goes through, at least {@code bytes} long, once the GPU has
   * finished the last copy queued on it: the buffers alternate, call after call.
   */
  int acquire(long bytes) {
    if (bytes <= 0 || bytes > CHUNK_MAX) {
      throw new IllegalArgumentException(
          "staging chunk must be 1 to " + CHUNK_MAX + " bytes, got " + bytes);
    }
    int slot = next;
    next = 1 - next;
    awaitCopy(slot);
    if (buffers[slot] == null || sizes[slot] < bytes) {
      long size = Math.min(CHUNK_MAX, Math.max(1L << 16, Long.highestOneBit(bytes - 1) << 1));
      if (buffers[slot] != null) {
        Cuda.check(JCudaDriver.cuMemFreeHost(buffers[slot]), "cuMemFreeHost on " + device);
        buffers[slot] = null;
      }
      Pointer p = new Pointer();
      Cuda.check(JCudaDriver.cuMemAllocHost(p, size), "cuMemAllocHost(" + size + ") on " + device);
      buffers[slot] = p;
      sizes[slot] = size;
    }
    return slot;
  }

  /** The pinned memory of a buffer that {@link #acquire} returned. */
  Pointer pointer(int slot) {
    return buffers[slot];
  }

  /** A native-order view of the first {@code bytes} of a buffer. */
  ByteBuffer view(int slot, long bytes) {
    return buffers[slot].getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
  }

  /** Marks the copy just queued on {@code s} as the buffer's last use. */
  void recordCopy(int slot, StreamContext s) {
    if (done[slot] == null) {
      CUevent event = new CUevent();
      Cuda.check(
          JCudaDriver.cuEventCreate(event, CUevent_flags.CU_EVENT_DISABLE_TIMING),
          "cuEventCreate on " + device);
      done[slot] = event;
    }
    Cuda.check(JCudaDriver.cuEventRecord(done[slot], s.stream()), "cuEventRecord on " + device);
  }

  /** Blocks until the last copy queued on the buffer has finished; at once if there was none. */
  void awaitCopy(int slot) {
    if (done[slot] != null) {
      Cuda.check(JCudaDriver.cuEventSynchronize(done[slot]), "cuEventSynchronize on " + device);
    }
  }
}
