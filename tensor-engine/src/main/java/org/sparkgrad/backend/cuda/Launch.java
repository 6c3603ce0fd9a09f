package org.sparkgrad.backend.cuda;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/**
 * One kernel launch on a thread's stream, its arguments given in the kernel's parameter order.
 * Storage arguments say whether the kernel reads or writes them, so that work on other streams that
 * touches the same memory is waited for ({@link DeviceBlock#use}).
 */
final class Launch {
  /** Threads per block for one-dimensional, grid-stride kernels. */
  static final int THREADS = 256;

  private final StreamContext stream;
  private final String kernel;
  private final List<Pointer> args = new ArrayList<>(12);
  private final List<CudaStorage> storages = new ArrayList<>(4);
  private final List<String> kinds = new ArrayList<>(12);

  private Launch(StreamContext stream, String kernel) {
    this.stream = stream;
    this.kernel = kernel;
  }

  static Launch of(StreamContext stream, String kernel) {
    return new Launch(stream, kernel);
  }

  /** A storage the kernel only reads. */
  Launch in(CudaStorage s) {
    return storage(s, false);
  }

  /** A storage the kernel writes (and may read). */
  Launch out(CudaStorage s) {
    return storage(s, true);
  }

  private Launch storage(CudaStorage s, boolean write) {
    DeviceBlock b = s.block();
    if (b != null) {
      b.use(stream, write);
    }
    storages.add(s);
    return arg(Pointer.to(s.pointer()), "u64");
  }

  private Launch arg(Pointer p, String kind) {
    args.add(p);
    kinds.add(kind);
    return this;
  }

  /**
   * An error record of the stream for this launch, for kernels that report bad indices or a
   * division by zero: the error surfaces as a Java exception naming {@code operation} (and {@code
   * n}, the size of the indexed dimension) at the stream's next check ({@link
   * StreamContext#checkErrors}).
   */
  Launch errors(String operation, int n) {
    return arg(Pointer.to(stream.errorSlot(operation, n)), "u64");
  }

  /** An error record for a kernel that takes one but cannot report in this launch. */
  Launch noErrors() {
    return arg(Pointer.to(stream.unusedErrorSlot()), "u64");
  }

  Launch i32(int v) {
    return arg(Pointer.to(new int[] {v}), "i32");
  }

  Launch f32(float v) {
    return arg(Pointer.to(new float[] {v}), "f32");
  }

  Launch f64(double v) {
    return arg(Pointer.to(new double[] {v}), "f64");
  }

  Launch i64(long v) {
    return arg(Pointer.to(new long[] {v}), "u64");
  }

  /** A struct passed by value, given as its int fields ({@link StridedArgs#pack}). */
  Launch struct(int[] fields) {
    return arg(Pointer.to(fields), "b8[" + fields.length * Integer.BYTES + "]");
  }

  /** Launches a grid-stride kernel over {@code n} elements: 256 threads a block. */
  void over(long n) {
    if (n <= 0) {
      return;
    }
    long blocks = (n + THREADS - 1) / THREADS;
    run((int) Math.min(blocks, maxBlocks()), 1, THREADS, 1);
  }

  /**
   * Enough blocks to fill every multiprocessor several times over; grid-stride loops do the rest.
   */
  int maxBlocks() {
    return Math.max(1, stream.device().multiprocessors()) * 32;
  }

  /** One block per unit of work (a row, a tile), capped at {@link #maxBlocks()}. */
  int blocksFor(long units) {
    return (int) Math.max(1, Math.min(units, maxBlocks()));
  }

  void run(int gridX, int gridY, int blockX, int blockY) {
    run(gridX, gridY, 1, blockX, blockY, 0);
  }

  void run(int gridX, int gridY, int blockX, int blockY, int sharedBytes) {
    run(gridX, gridY, 1, blockX, blockY, sharedBytes);
  }

  void run(int gridX, int gridY, int gridZ, int blockX, int blockY, int sharedBytes) {
    Kernels.Kernel k = stream.device().kernels().get(kernel);
    if (Kernels.code(kinds) != k.signatureCode()) {
      // A wrong argument list would be read as garbage by the kernel: refuse it here instead.
      throw new IllegalStateException(
          "kernel "
              + kernel
              + " takes ("
              + k.signature()
              + ") but was given ("
              + String.join(",", kinds)
              + ")");
    }
    try {
      Cuda.check(
          JCudaDriver.cuLaunchKernel(
              k.function(),
              gridX,
              gridY,
              gridZ,
              blockX,
              blockY,
              1,
              sharedBytes,
              stream.stream(),
              Pointer.to(args.toArray(new Pointer[0])),
              null),
          "cuLaunchKernel(" + kernel + ") on " + stream.device());
    } finally {
      // Keep the storages reachable until the launch is queued: a Cleaner returning a block to
      // the cache earlier could let another stream reuse it before this kernel is ordered first.
      Reference.reachabilityFence(storages);
    }
  }
}
