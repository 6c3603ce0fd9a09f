package org.sparkgrad.backend.cuda;

/**
 * Device memory held by one CUDA backend's caching allocator, in bytes, as PyTorch's {@code
 * torch.cuda.memory_allocated}, {@code memory_reserved} and {@code max_memory_allocated}.
 *
 * @param allocatedBytes memory in live storages (rounded up to the allocator's buckets)
 * @param cachedBytes memory in freed blocks kept for reuse, not yet returned to the driver
 * @param peakAllocatedBytes the highest {@code allocatedBytes} since the backend started
 * @param driverAllocations how many blocks were obtained from the driver ({@code cuMemAlloc})
 * @param cacheHits how many allocations were served from the cache instead
 */
public record CudaMemoryStats(
    long allocatedBytes,
    long cachedBytes,
    long peakAllocatedBytes,
    long driverAllocations,
    long cacheHits) {

  /** Memory obtained from the driver and still held: allocated plus cached. */
  public long reservedBytes() {
    return allocatedBytes + cachedBytes;
  }
}
