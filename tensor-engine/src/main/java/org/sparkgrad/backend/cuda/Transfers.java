package org.sparkgrad.backend.cuda;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import jcuda.driver.JCudaDriver;
import org.sparkgrad.tensor.DType;

/**
 * Copies between Java arrays and device storages through the thread's two pinned staging buffers
 * ({@link PinnedStaging}): the array is copied into page-locked memory, which the GPU reads by DMA
 * at full bus speed (pageable memory would be staged by the driver anyway, and an asynchronous copy
 * from a Java array is not safe, since the array may move). Transfers go in chunks of at most
 * {@link PinnedStaging#CHUNK_MAX}, alternating buffers, so the host's copy of one chunk overlaps
 * the DMA of the one before.
 *
 * <p>An upload does not wait for the GPU: it returns once its last chunk is queued, the array
 * already copied out (so the caller may reuse it), and the stream's later kernels see the data in
 * queue order. A download waits, as it must, and reports the kernels' errors as any synchronisation
 * does.
 */
final class Transfers {
  /**
   * {@code -Dsparkgrad.cuda.syncTransfers=true} waits for the GPU after every chunk, as transfers
   * did before double buffering: the "before" of a same-run speed comparison.
   */
  static final boolean SYNCHRONOUS = Boolean.getBoolean("sparkgrad.cuda.syncTransfers");

  private Transfers() {}

  /** A new storage holding a copy of a {@code float[]}, {@code double[]} or {@code long[]}. */
  static CudaStorage upload(CudaBackend backend, Object array) {
    DType dtype;
    int size;
    if (array instanceof float[] f) {
      dtype = DType.FLOAT32;
      size = f.length;
    } else if (array instanceof double[] d) {
      dtype = DType.FLOAT64;
      size = d.length;
    } else if (array instanceof long[] l) {
      dtype = DType.INT64;
      size = l.length;
    } else {
      throw new IllegalArgumentException(
          "expected float[], double[] or long[], got "
              + (array == null ? "null" : array.getClass().getSimpleName()));
    }
    StreamContext s = backend.cudaDevice().enter();
    CudaStorage out = backend.uninitialised(dtype, size);
    if (size == 0) {
      return out;
    }
    DeviceBlock block = out.block();
    block.use(s, true);
    int elem = CudaStorage.elementSize(dtype);
    int chunk = (int) (PinnedStaging.CHUNK_MAX / elem);
    PinnedStaging staging = s.staging();
    try {
      for (int done = 0; done < size; done += chunk) {
        int n = Math.min(chunk, size - done);
        long bytes = (long) n * elem;
        // Waits only if the GPU is still reading this buffer's previous chunk.
        int slot = staging.acquire(bytes);
        ByteBuffer buf = staging.view(slot, bytes);
        switch (dtype) {
          case FLOAT32 -> buf.asFloatBuffer().put((float[]) array, done, n);
          case FLOAT64 -> buf.asDoubleBuffer().put((double[]) array, done, n);
          case INT64 -> buf.asLongBuffer().put((long[]) array, done, n);
        }
        Cuda.check(
            JCudaDriver.cuMemcpyHtoDAsync(
                block.pointer().withByteOffset((long) done * elem),
                staging.pointer(slot),
                bytes,
                s.stream()),
            "cuMemcpyHtoDAsync(" + bytes + " bytes) on " + s.device());
        staging.recordCopy(slot, s);
        if (SYNCHRONOUS) {
          s.synchronize();
        }
      }
    } finally {
      Reference.reachabilityFence(out);
    }
    return out;
  }

  /** A host copy of the storage: a {@code float[]}, {@code double[]} or {@code long[]}. */
  static Object download(StreamContext s, CudaStorage storage) {
    int size = storage.size();
    DType dtype = storage.dtype();
    Object array =
        switch (dtype) {
          case FLOAT32 -> new float[size];
          case FLOAT64 -> new double[size];
          case INT64 -> new long[size];
        };
    if (size == 0) {
      return array;
    }
    DeviceBlock block = storage.block();
    block.use(s, false);
    int elem = CudaStorage.elementSize(dtype);
    int chunk = (int) (PinnedStaging.CHUNK_MAX / elem);
    PinnedStaging staging = s.staging();
    try {
      // Chunk k's copy into one buffer is queued before chunk k - 1 is read out of the other.
      int pendingSlot = -1;
      int pendingDone = 0;
      for (int done = 0; done < size; done += chunk) {
        int n = Math.min(chunk, size - done);
        long bytes = (long) n * elem;
        int slot = staging.acquire(bytes);
        Cuda.check(
            JCudaDriver.cuMemcpyDtoHAsync(
                staging.pointer(slot),
                block.pointer().withByteOffset((long) done * elem),
                bytes,
                s.stream()),
            "cuMemcpyDtoHAsync(" + bytes + " bytes) on " + s.device());
        staging.recordCopy(slot, s);
        if (SYNCHRONOUS) {
          s.synchronize();
        }
        if (pendingSlot >= 0) {
          staging.awaitCopy(pendingSlot);
          drain(
              staging, pendingSlot, array, dtype, pendingDone, Math.min(chunk, size - pendingDone));
        }
        pendingSlot = slot;
        pendingDone = done;
      }
      // Waits for the last chunk and throws any error the kernels before the copy reported.
      s.synchronize();
      drain(staging, pendingSlot, array, dtype, pendingDone, size - pendingDone);
    } finally {
      Reference.reachabilityFence(storage);
    }
    return array;
  }

  /** Copies {@code n} elements out of a staging buffer into {@code array} at {@code done}. */
  private static void drain(
      PinnedStaging staging, int slot, Object array, DType dtype, int done, int n) {
    ByteBuffer buf = staging.view(slot, (long) n * CudaStorage.elementSize(dtype));
    switch (dtype) {
      case FLOAT32 -> buf.asFloatBuffer().get((float[]) array, done, n);
      case FLOAT64 -> buf.asDoubleBuffer().get((double[]) array, done, n);
      case INT64 -> buf.asLongBuffer().get((long[]) array, done, n);
    }
  }
}
