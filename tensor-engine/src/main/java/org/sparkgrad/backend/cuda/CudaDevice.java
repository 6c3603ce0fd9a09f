package org.sparkgrad.backend.cuda;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.logging.Logger;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;
import org.sparkgrad.tensor.Device;

/**
 * One GPU as the backend uses it: its primary context (the one the CUDA runtime and cuBLAS also
 * use), the loaded kernels, the caching allocator, and a {@link StreamContext} per thread.
 */
final class CudaDevice {
  /** The context this thread last made current, so that it is set only when it changes. */
  private static final ThreadLocal<CUcontext> CURRENT = new ThreadLocal<>();

  private final Device device;
  private final CUcontext context;
  private final String name;
  private final long totalMemory;
  private final int multiprocessors;
  private final Kernels kernels;
  private final CachingAllocator allocator;
  private final ThreadLocal<StreamContext> streams;

  private CudaDevice(Device device, CUdevice handle, CUcontext context) {
    this.device = device;
    this.context = context;
    makeCurrent();
    byte[] nameBytes = new byte[256];
    Cuda.check(
        JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, handle),
        "cuDeviceGetName on " + device);
    int end = 0;
    while (end < nameBytes.length && nameBytes[end] != 0) {
      end++;
    }
    this.name = new String(nameBytes, 0, end, StandardCharsets.US_ASCII);
    long[] total = new long[1];
    Cuda.check(JCudaDriver.cuDeviceTotalMem(total, handle), "cuDeviceTotalMem on " + device);
    this.totalMemory = total[0];
    int[] sms = new int[1];
    Cuda.check(
        JCudaDriver.cuDeviceGetAttribute(
            sms, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, handle),
        "cuDeviceGetAttribute(MULTIPROCESSOR_COUNT) on " + device);
    this.multiprocessors = sms[0];
    long t0 = System.nanoTime();
    this.kernels = Kernels.load(device.toString());
    Logger.getLogger(CudaDevice.class.getName())
        .info(
            String.format(
                Locale.ROOT,
                "%s (%s, %d multiprocessors, %s): %d kernels loaded from PTX in %.0f ms",
                device,
                name,
                multiprocessors,
                Cuda.bytes(totalMemory),
                kernels.size(),
                (System.nanoTime() - t0) / 1e6));
    this.allocator = new CachingAllocator(this);
    this.streams = ThreadLocal.withInitial(() -> new StreamContext(this));
  }

  /** Retains the device's primary context and loads the kernels into it. */
  static CudaDevice open(Device device) {
    CUdevice handle = new CUdevice();
    Cuda.check(JCudaDriver.cuDeviceGet(handle, device.index()), "cuDeviceGet(" + device + ")");
    CUcontext context = new CUcontext();
    Cuda.check(
        JCudaDriver.cuDevicePrimaryCtxRetain(context, handle),
        "cuDevicePrimaryCtxRetain(" + device + ")");
    return new CudaDevice(device, handle, context);
  }

  /** Makes the context current on this thread and returns this thread's stream. */
  StreamContext enter() {
    makeCurrent();
    return streams.get();
  }

  private void makeCurrent() {
    if (!context.equals(CURRENT.get())) {
      Cuda.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent(" + device + ")");
      CURRENT.set(context);
    }
  }

  Device device() {
    return device;
  }

  /** The GPU's name, such as {@code NVIDIA H100 80GB HBM3}. */
  String name() {
    return name;
  }

  long totalMemory() {
    return totalMemory;
  }

  int multiprocessors() {
    return multiprocessors;
  }

  Kernels kernels() {
    return kernels;
  }

  CachingAllocator allocator() {
    return allocator;
  }

  @Override
  public String toString() {
    return device + " (" + name + ")";
  }
}
