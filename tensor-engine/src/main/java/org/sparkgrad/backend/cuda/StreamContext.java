package org.sparkgrad.backend.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.cublasHandle;

/**
 * What one thread uses on one device: its own CUDA stream (so threads, such as Spark tasks sharing
 * an executor's GPU, do not serialise on one queue), a pinned host buffer that transfers go
 * through, and a small device error record that kernels write when they meet a bad index.
 *
 * <p>Used only by its own thread, except that other threads' {@link DeviceBlock#use} may record an
 * event on its stream. Streams live as long as the backend: executor threads are pooled.
 */
final class StreamContext {
  /** The largest pinned staging buffer; bigger transfers go through it in chunks. */
  static final long STAGING_MAX = 16L << 20;

  private static final long ERROR_RECORD_BYTES = 3 * Long.BYTES;

  private final CudaDevice device;
  private final CUstream stream = new CUstream();
  private final CUdeviceptr errorRecord = new CUdeviceptr();
  private final Pointer errorHost = new Pointer();
  private Pointer staging;
  private long stagingBytes;
  private cublasHandle cublas;

  StreamContext(CudaDevice device) {
    this.device = device;
    Cuda.check(
        JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING),
        "cuStreamCreate on " + device);
    Cuda.check(
        JCudaDriver.cuMemAlloc(errorRecord, ERROR_RECORD_BYTES),
        "cuMemAlloc(error record) on " + device);
    Cuda.check(
        JCudaDriver.cuMemAllocHost(errorHost, ERROR_RECORD_BYTES),
        "cuMemAllocHost(error record) on " + device);
    Cuda.check(
        JCudaDriver.cuMemsetD8Async(errorRecord, (byte) 0, ERROR_RECORD_BYTES, stream),
        "cuMemsetD8Async(error record) on " + device);
  }

  CUstream stream() {
    return stream;
  }

  CudaDevice device() {
    return device;
  }

  /** This thread's cuBLAS handle on this device, or null before the first cuBLAS call. */
  cublasHandle cublasHandle() {
    return cublas;
  }

  void setCublasHandle(cublasHandle handle) {
    this.cublas = handle;
  }

  /** The device error record {@code {code, value, unused}} that kernels report into. */
  CUdeviceptr errorRecord() {
    return errorRecord;
  }

  /** Blocks until all work queued on this stream has finished. */
  void synchronize() {
    Cuda.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize on " + device);
  }

  /** Makes this stream's later work wait for everything queued so far on {@code other}. */
  void waitFor(StreamContext other) {
    CUevent event = new CUevent();
    Cuda.check(
        JCudaDriver.cuEventCreate(event, CUevent_flags.CU_EVENT_DISABLE_TIMING),
        "cuEventCreate on " + device);
    try {
      Cuda.check(JCudaDriver.cuEventRecord(event, other.stream), "cuEventRecord on " + device);
      Cuda.check(JCudaDriver.cuStreamWaitEvent(stream, event, 0), "cuStreamWaitEvent on " + device);
    } finally {
      // Destroying an event that a stream still waits on is allowed: resources go when it fires.
      Cuda.check(JCudaDriver.cuEventDestroy(event), "cuEventDestroy on " + device);
    }
  }

  /**
   * The pinned staging buffer, at least {@code bytes} long (at most {@link #STAGING_MAX}), as a
   * native-order byte buffer. The caller synchronizes the stream before reusing it.
   */
  Pointer staging(long bytes) {
    if (bytes > STAGING_MAX) {
      throw new IllegalArgumentException("staging chunk " + bytes + " exceeds " + STAGING_MAX);
    }
    if (staging == null || stagingBytes < bytes) {
      long size = Math.min(STAGING_MAX, Math.max(1L << 16, Long.highestOneBit(bytes - 1) << 1));
      if (staging != null) {
        Cuda.check(JCudaDriver.cuMemFreeHost(staging), "cuMemFreeHost on " + device);
        staging = null;
      }
      Pointer p = new Pointer();
      Cuda.check(JCudaDriver.cuMemAllocHost(p, size), "cuMemAllocHost(" + size + ") on " + device);
      staging = p;
      stagingBytes = size;
    }
    return staging;
  }

  /** A native-order view of the first {@code bytes} of the staging buffer. */
  ByteBuffer stagingBuffer(long bytes) {
    return staging(bytes).getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
  }

  /**
   * Waits for the stream and throws if a kernel reported an error since the last check, clearing
   * the record. {@code n} is the size of the indexed dimension, for the message.
   */
  void checkErrors(String operation, int n) {
    Cuda.check(
        JCudaDriver.cuMemcpyDtoHAsync(errorHost, errorRecord, ERROR_RECORD_BYTES, stream),
        "cuMemcpyDtoHAsync(error record) on " + device);
    synchronize();
    ByteBuffer record =
        errorHost.getByteBuffer(0, ERROR_RECORD_BYTES).order(ByteOrder.nativeOrder());
    long code = record.getLong(0);
    long value = record.getLong(Long.BYTES);
    if (code == 0) {
      return;
    }
    Cuda.check(
        JCudaDriver.cuMemsetD8Async(errorRecord, (byte) 0, ERROR_RECORD_BYTES, stream),
        "cuMemsetD8Async(error record) on " + device);
    if (code == KernelErrors.INDEX_OUT_OF_BOUNDS) {
      throw new IndexOutOfBoundsException(
          operation + ": index " + value + " is out of bounds for dimension with size " + n);
    }
    if (code == KernelErrors.INTEGER_DIVISION_BY_ZERO) {
      throw new ArithmeticException(operation + ": integer division by zero");
    }
    throw new CudaException(operation + " on " + device + ": unknown kernel error code " + code);
  }
}
