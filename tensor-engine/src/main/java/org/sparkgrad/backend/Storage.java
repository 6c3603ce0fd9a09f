package org.sparkgrad.backend;

import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;

/**
 * A flat buffer of elements of one dtype on one device. A tensor is a shape over a storage; views
 * such as {@code reshape} share it.
 *
 * <p>Storages are created and interpreted only by their {@link Backend}. {@link #close()} releases
 * device memory at once; on the CPU it does nothing and the garbage collector reclaims the array.
 */
public abstract class Storage implements AutoCloseable {
  private final DType dtype;
  private final int size;

  protected Storage(DType dtype, int size) {
    if (size < 0) {
      throw new IllegalArgumentException("storage size must be >= 0, got " + size);
    }
    this.dtype = dtype;
    this.size = size;
  }

  public final DType dtype() {
    return dtype;
  }

  /** Number of elements. */
  public final int size() {
    return size;
  }

  public abstract Device device();

  /** Releases device memory now. Using the storage afterwards is an error. */
  @Override
  public void close() {}
}
