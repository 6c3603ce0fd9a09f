package org.sparkgrad.backend.cuda;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import jcuda.driver.JCudaDriver;
import org.sparkgrad.tensor.DType;

/**
 * Copies between Java arrays and device storages through the thread's pinned staging buffer: the
 * array is copied into page-locked memory, which the GPU reads by DMA at full bus speed (pageable
 * memory would be staged by the driver anyway, and an asynchronous copy from a Java array is not
 * safe, since the array may move). Transfers larger than the buffer go in chunks.
 */
final class Transfers {
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
    int chunk = (int) (StreamContext.STAGING_MAX / elem);
    try {
      for (int done = 0; done < size; done += chunk) {
        int n = Math.min(chunk, size - done);
        long bytes = (long) n * elem;
        ByteBuffer buf = s.stagingBuffer(bytes);
        switch (dtype) {
          case FLOAT32 -> buf.asFloatBuffer().put((float[]) array, done, n);
          case FLOAT64 -> buf.asDoubleBuffer().put((double[]) array, done, n);
          case INT64 -> buf.asLongBuffer().put((long[]) array, done, n);
        }
        Cuda.check(
            JCudaDriver.cuMemcpyHtoDAsync(
                block.pointer().withByteOffset((long) done * elem),
                s.staging(bytes),
                bytes,
                s.stream()),
            "cuMemcpyHtoDAsync(" + bytes + " bytes) on " + s.device());
        // The staging buffer is reused by the next chunk: wait until the GPU has read it.
        s.synchronize();
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
    int chunk = (int) (StreamContext.STAGING_MAX / elem);
    try {
      for (int done = 0; done < size; done += chunk) {
        int n = Math.min(chunk, size - done);
        long bytes = (long) n * elem;
        Cuda.check(
            JCudaDriver.cuMemcpyDtoHAsync(
                s.staging(bytes),
                block.pointer().withByteOffset((long) done * elem),
                bytes,
                s.stream()),
            "cuMemcpyDtoHAsync(" + bytes + " bytes) on " + s.device());
        s.synchronize();
        ByteBuffer buf = s.stagingBuffer(bytes);
        switch (dtype) {
          case FLOAT32 -> buf.asFloatBuffer().get((float[]) array, done, n);
          case FLOAT64 -> buf.asDoubleBuffer().get((double[]) array, done, n);
          case INT64 -> buf.asLongBuffer().get((long[]) array, done, n);
        }
      }
    } finally {
      Reference.reachabilityFence(storage);
    }
    return array;
  }
}
