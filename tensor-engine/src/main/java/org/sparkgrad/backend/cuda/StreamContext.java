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
 * an executor's GPU, do not serialise on one queue), two pinned host buffers that transfers go
 * through ({@link PinnedStaging}), and device error records that kernels write when they meet a bad
 * index.
 *
 * <p>Errors are checked asynchronously, as CUDA reports a kernel's faults: each launch that can
 * report gets its own record, and the records are read at the stream's next synchronisation (a copy
 * to the host, {@code synchronize()}), or when all {@value #ERROR_SLOTS} are in use, and the first
 * error in launch order is thrown there. So a training step queues its kernels without waiting for
 * the GPU, and a bad index still becomes the same Java exception, a little later (kernels skip the
 * bad element rather than touch memory out of bounds). {@code -Dsparkgrad.cuda.syncErrors=true}
 * checks after every such launch instead, for debugging.
 *
 * <p>Used only by its own thread, except that other threads' {@link DeviceBlock#use} may record an
 * event on its stream. Streams live as long as the backend: executor threads are pooled.
 */
final class StreamContext {
  /** Check after every launch that can report an error, instead of at the next synchronisation. */
  static final boolean SYNCHRONOUS_ERRORS = Boolean.getBoolean("sparkgrad.cuda.syncErrors");

  /** Launches whose errors can wait for a check; one more forces it. */
  static final int ERROR_SLOTS = 64;

  private static final long ERROR_RECORD_BYTES = 3 * Long.BYTES;
  private static final long ERROR_AREA_BYTES = (ERROR_SLOTS + 1) * ERROR_RECORD_BYTES;

  private final CudaDevice device;
  private final CUstream stream = new CUstream();
  private final CUdeviceptr errorRecord = new CUdeviceptr();
  private final Pointer errorHost = new Pointer();
  private final String[] pendingOperations = new String[ERROR_SLOTS];
  private final int[] pendingSizes = new int[ERROR_SLOTS];
  private int pending;
  private final PinnedStaging staging;
  private cublasHandle cublas;

  StreamContext(CudaDevice device) {
    this.device = device;
    this.staging = new PinnedStaging(device);
    Cuda.check(
        JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING),
        "cuStreamCreate on " + device);
    Cuda.check(
        JCudaDriver.cuMemAlloc(errorRecord, ERROR_AREA_BYTES),
        "cuMemAlloc(error records) on " + device);
    Cuda.check(
        JCudaDriver.cuMemAllocHost(errorHost, ERROR_AREA_BYTES),
        "cuMemAllocHost(error records) on " + device);
    Cuda.check(
        JCudaDriver.cuMemsetD8Async(errorRecord, (byte) 0, ERROR_AREA_BYTES, stream),
        "cuMemsetD8Async(error records) on " + device);
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

  /**
   * A fresh device error record {@code {code, value, unused}} for one launch of {@code operation},
   * checked at the next {@link #checkErrors}; {@code n} is the size of the indexed dimension, for
   * the message. Checks first when every record is in use.
   */
  CUdeviceptr errorSlot(String operation, int n) {
    if (pending == ERROR_SLOTS) {
      checkErrors();
    }
    pendingOperations[pending] = operation;
    pendingSizes[pending] = n;
    return errorRecord.withByteOffset(pending++ * ERROR_RECORD_BYTES);
  }

  /** The record after the checked ones, for launches that cannot report; never read. */
  CUdeviceptr unusedErrorSlot() {
    return errorRecord.withByteOffset(ERROR_SLOTS * ERROR_RECORD_BYTES);
  }

  /**
   * Blocks until all work queued on this stream has finished, then throws the first error its
   * kernels reported since the last check.
   */
  void synchronize() {
    if (pending > 0) {
      checkErrors();
    } else {
      Cuda.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize on " + device);
    }
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

  /** This thread's pinned staging buffers on this device. */
  PinnedStaging staging() {
    return staging;
  }

  /**
   * Waits for the stream and throws the first error (in launch order) that a kernel reported since
   * the last check, clearing the records; returns at once when no launch since then could report.
   */
  void checkErrors() {
    int n = pending;
    if (n == 0) {
      return;
    }
    long bytes = n * ERROR_RECORD_BYTES;
    Cuda.check(
        JCudaDriver.cuMemcpyDtoHAsync(errorHost, errorRecord, bytes, stream),
        "cuMemcpyDtoHAsync(error records) on " + device);
    Cuda.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize on " + device);
    pending = 0;
    ByteBuffer records = errorHost.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
    for (int slot = 0; slot < n; slot++) {
      long code = records.getLong((int) (slot * ERROR_RECORD_BYTES));
      if (code == 0) {
        continue;
      }
      long value = records.getLong((int) (slot * ERROR_RECORD_BYTES + Long.BYTES));
      Cuda.check(
          JCudaDriver.cuMemsetD8Async(errorRecord, (byte) 0, bytes, stream),
          "cuMemsetD8Async(error records) on " + device);
      String operation = pendingOperations[slot];
      if (code == KernelErrors.INDEX_OUT_OF_BOUNDS) {
        throw new IndexOutOfBoundsException(
            operation
                + ": index "
                + value
                + " is out of bounds for dimension with size "
                + pendingSizes[slot]);
      }
      if (code == KernelErrors.INTEGER_DIVISION_BY_ZERO) {
        throw new ArithmeticException(operation + ": integer division by zero");
      }
      throw new CudaException(operation + " on " + device + ": unknown kernel error code " + code);
    }
  }
}
