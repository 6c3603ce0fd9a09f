package org.sparkgrad.backend.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Device memory for one GPU, cached as PyTorch's allocator caches it: a freed block goes onto the
 * free list of its size bucket and the next request for that bucket reuses it, so a training loop
 * stops calling {@code cuMemAlloc} (slow, and synchronising) after its first step.
 *
 * <p>Sizes are rounded up to a bucket: multiples of 512 bytes up to 1 MiB, then four buckets per
 * power of two (at most 25% slack).
 *
 * <p>Tensors that nobody closes are released when the garbage collector finds them, which it does
 * on the Java heap's schedule, not the GPU's. So when the memory in live storages has grown by
 * {@code sparkgrad.cuda.gcThresholdBytes} (default: a quarter of the device) since its low point,
 * the allocator asks for a collection once; the intermediates of past training steps then come back
 * to the cache and later steps reuse them instead of calling the driver. When the driver runs out,
 * the allocator returns its cache to the driver, then asks the garbage collector to release
 * unreachable tensors (whose {@link java.lang.ref.Cleaner} returns their blocks) and tries again,
 * before failing with a {@link CudaOutOfMemoryException} that states the bytes requested and free.
 */
final class CachingAllocator {
  private static final int GC_RETRIES = 3;

  private final CudaDevice device;
  private final Map<Long, ArrayDeque<DeviceBlock>> free = new HashMap<>();
  private long allocated;
  private long cached;
  private long peak;
  private long driverAllocations;
  private long cacheHits;
  private final long gcThreshold;

  /** Ask for a collection when live bytes exceed this; tracks the low point plus the threshold. */
  private long gcMark;

  CachingAllocator(CudaDevice device) {
    this.device = device;
    this.gcThreshold = gcThreshold(device.totalMemory());
    this.gcMark = gcThreshold;
  }

  static long gcThreshold(long totalMemory) {
    long t = Long.getLong("sparkgrad.cuda.gcThresholdBytes", Math.max(1L << 28, totalMemory / 4));
    if (t <= 0) {
      throw new IllegalArgumentException("sparkgrad.cuda.gcThresholdBytes must be > 0, got " + t);
    }
    return t;
  }

  /** The bucket that a request of {@code bytes} (> 0) is served from. */
  static long bucket(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("allocation size must be > 0 bytes, got " + bytes);
    }
    long step = bytes <= (1L << 20) ? 512 : Long.highestOneBit(bytes - 1) / 4;
    return (bytes + step - 1) / step * step;
  }

  /**
   * A block of at least {@code bytes}; its contents are undefined. The caller has made the device's
   * context current.
   */
  DeviceBlock allocate(long bytes) {
    long size = bucket(bytes);
    for (int attempt = 0; ; attempt++) {
      boolean collect = false;
      DeviceBlock b;
      synchronized (this) {
        b = takeCached(size);
        if (b != null) {
          return b;
        }
        if (allocated + size > gcMark) {
          // Collect once, outside the lock (the Cleaner needs it); the mark is re-armed by the
          // releases that follow.
          collect = true;
          gcMark = Long.MAX_VALUE;
        }
        b = fromDriver(size);
        if (b == null && cached > 0) {
          // Cached blocks of other sizes: give them back and try once more.
          releaseCacheLocked();
          b = fromDriver(size);
        }
      }
      if (collect) {
        System.gc();
      }
      if (b != null) {
        return b;
      }
      if (attempt == GC_RETRIES) {
        throw outOfMemory(size);
      }
      // Unreachable tensors not yet collected still hold blocks: collect them, and give the
      // Cleaner thread time to return their blocks to the cache.
      System.gc();
      try {
        Thread.sleep(20L << attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw outOfMemory(size);
      }
    }
  }

  /** Returns a block to its free list. Thread-safe and makes no driver call (Cleaners use it). */
  synchronized void release(DeviceBlock block) {
    allocated -= block.bytes();
    gcMark = Math.min(gcMark, allocated + gcThreshold);
    cached += block.bytes();
    free.computeIfAbsent(block.bytes(), k -> new ArrayDeque<>()).push(block);
  }

  /** Returns every cached block to the driver. The caller has made the context current. */
  synchronized void emptyCache() {
    releaseCacheLocked();
  }

  synchronized CudaMemoryStats stats() {
    return new CudaMemoryStats(allocated, cached, peak, driverAllocations, cacheHits);
  }

  private DeviceBlock takeCached(long size) {
    ArrayDeque<DeviceBlock> list = free.get(size);
    if (list == null || list.isEmpty()) {
      return null;
    }
    DeviceBlock b = list.pop();
    cached -= size;
    cacheHits++;
    account(size);
    return b;
  }

  private DeviceBlock fromDriver(long size) {
    CUdeviceptr p = new CUdeviceptr();
    int result = JCudaDriver.cuMemAlloc(p, size);
    if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
      return null;
    }
    Cuda.check(result, "cuMemAlloc(" + size + " bytes) on " + device);
    driverAllocations++;
    account(size);
    return new DeviceBlock(p, size);
  }

  private void account(long size) {
    allocated += size;
    peak = Math.max(peak, allocated);
  }

  private void releaseCacheLocked() {
    if (cached == 0) {
      return;
    }
    // A cached block may still be read by queued kernels of any stream: wait for them all.
    Cuda.check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize on " + device);
    for (ArrayDeque<DeviceBlock> list : free.values()) {
      for (DeviceBlock b : list) {
        Cuda.check(JCudaDriver.cuMemFree(b.pointer()), "cuMemFree on " + device);
      }
    }
    free.clear();
    cached = 0;
  }

  private CudaOutOfMemoryException outOfMemory(long size) {
    long[] freeBytes = new long[1];
    long[] totalBytes = new long[1];
    int result = JCudaDriver.cuMemGetInfo(freeBytes, totalBytes);
    String deviceMemory =
        result == CUresult.CUDA_SUCCESS
            ? Cuda.bytes(freeBytes[0]) + " free of " + Cuda.bytes(totalBytes[0]) + " total"
            : "free memory unknown (cuMemGetInfo: " + Cuda.errorName(result) + ")";
    CudaMemoryStats s = stats();
    return new CudaOutOfMemoryException(
        "CUDA out of memory on "
            + device
            + ": tried to allocate "
            + Cuda.bytes(size)
            + "; the device has "
            + deviceMemory
            + "; Sparkgrad holds "
            + Cuda.bytes(s.allocatedBytes())
            + " in live storages (peak "
            + Cuda.bytes(s.peakAllocatedBytes())
            + ") and "
            + Cuda.bytes(s.cachedBytes())
            + " cached. Close storages that are no longer needed, use a smaller batch, or free"
            + " memory held by other processes",
        size,
        result == CUresult.CUDA_SUCCESS ? freeBytes[0] : -1);
  }
}
