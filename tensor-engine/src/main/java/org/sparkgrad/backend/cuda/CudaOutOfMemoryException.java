package org.sparkgrad.backend.cuda;

/**
 * A device allocation failed even after the caching allocator returned its cached blocks to the
 * driver and the garbage collector released unreachable tensors. The message states the bytes
 * requested, the bytes free on the device, and what Sparkgrad holds.
 */
public final class CudaOutOfMemoryException extends CudaException {
  private static final long serialVersionUID = 1L;

  private final long requestedBytes;
  private final long freeBytes;

  CudaOutOfMemoryException(String message, long requestedBytes, long freeBytes) {
    super(message);
    this.requestedBytes = requestedBytes;
    this.freeBytes = freeBytes;
  }

  /**
   * The size of the allocation that failed, in bytes (after rounding to the allocator's bucket).
   */
  public long requestedBytes() {
    return requestedBytes;
  }

  /** The device memory the driver reported free when the allocation failed, in bytes. */
  public long freeBytes() {
    return freeBytes;
  }
}
