package org.sparkgrad.backend.cuda;

import java.lang.ref.Cleaner;
import jcuda.driver.CUdeviceptr;
import org.sparkgrad.backend.Storage;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;

/**
 * A storage in GPU memory: one block from the device's {@link CachingAllocator}.
 *
 * <p>The block is held until {@link #close()}, which returns it to the allocator's cache at once
 * (deterministic release), or, as a backstop, until the garbage collector finds the storage
 * unreachable and a {@link Cleaner} returns it. Garbage collection alone does not track GPU memory
 * pressure, so code that churns through large tensors should close the ones it no longer needs;
 * when the device is full the allocator also asks the collector to run before giving up.
 */
final class CudaStorage extends Storage {
  private static final Cleaner CLEANER = Cleaner.create();

  private final CudaDevice device;
  private final DeviceBlock block;
  private final Cleaner.Cleanable cleanable;
  private volatile boolean closed;

  /** A storage over {@code block}, which may be null when {@code size} is 0. */
  CudaStorage(CudaDevice device, DType dtype, int size, DeviceBlock block) {
    super(dtype, size);
    this.device = device;
    this.block = block;
    this.cleanable = block == null ? null : CLEANER.register(this, new Release(device, block));
  }

  @Override
  public Device device() {
    return device.device();
  }

  CudaDevice cudaDevice() {
    return device;
  }

  /** Bytes of data: size times the element size. */
  long bytes() {
    return (long) size() * elementSize(dtype());
  }

  static int elementSize(DType dtype) {
    return dtype == DType.FLOAT32 ? Float.BYTES : Long.BYTES;
  }

  /** The block, or null for an empty storage. */
  DeviceBlock block() {
    if (closed) {
      throw new IllegalStateException(
          "this " + dtype() + " storage on " + device() + " was closed; it cannot be used again");
    }
    return block;
  }

  /** The device pointer: the block's, or a null pointer for an empty storage. */
  CUdeviceptr pointer() {
    DeviceBlock b = block();
    return b == null ? new CUdeviceptr() : b.pointer();
  }

  /** Returns the memory to the device's cache now; later use of this storage is an error. */
  @Override
  public void close() {
    closed = true;
    if (cleanable != null) {
      cleanable.clean();
    }
  }

  /** The cleaning action; it must not refer to the storage, or the storage is never unreachable. */
  private static final class Release implements Runnable {
    private final CudaDevice device;
    private final DeviceBlock block;

    Release(CudaDevice device, DeviceBlock block) {
      this.device = device;
      this.block = block;
    }

    @Override
    public void run() {
      device.allocator().release(block);
    }
  }
}
