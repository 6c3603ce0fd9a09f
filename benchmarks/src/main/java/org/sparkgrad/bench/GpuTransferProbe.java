package org.sparkgrad.bench;

import java.util.Locale;
import org.sparkgrad.backend.Storage;
import org.sparkgrad.backend.cuda.CudaBackend;

/**
 * Host-to-device and device-to-host copy speed of the CUDA backend ({@code fromArray} and {@code
 * toArray} of float arrays, through the pinned staging buffer), for sizes from a small model's
 * weights to a data block, in GB/s: the figure to set beside {@code torch.Tensor.cuda()} and {@code
 * .cpu()} on the same machine. Each storage is closed after use, so that the caching allocator
 * serves the next upload, as it does for a training loop's per-step copies.
 *
 * <p>Run: {@code java -cp ... org.sparkgrad.bench.GpuTransferProbe}; needs a CUDA device.
 */
public final class GpuTransferProbe {
  private GpuTransferProbe() {}

  public static void main(String[] args) {
    CudaBackend cuda = CudaZero.orExit();
    System.out.println("gpu: " + cuda.description());
    System.out.printf(Locale.ROOT, "%12s %14s %14s%n", "MB", "to gpu GB/s", "to host GB/s");
    for (int mb : new int[] {1, 4, 16, 64, 256}) {
      int n = mb * (1 << 20) / Float.BYTES;
      float[] host = new float[n];
      for (int i = 0; i < n; i++) {
        host[i] = i;
      }
      double up = Double.MAX_VALUE;
      double down = Double.MAX_VALUE;
      for (int rep = 0; rep < 5; rep++) {
        long t0 = System.nanoTime();
        Storage s = cuda.fromArray(host);
        cuda.synchronize();
        long t1 = System.nanoTime();
        float[] back = (float[]) cuda.toArray(s);
        long t2 = System.nanoTime();
        if (back[n - 1] != n - 1) {
          throw new IllegalStateException("round trip changed the data at " + mb + " MB");
        }
        s.close();
        up = Math.min(up, (t1 - t0) / 1e9);
        down = Math.min(down, (t2 - t1) / 1e9);
      }
      double bytes = (double) n * Float.BYTES;
      System.out.printf(
          Locale.ROOT, "%12d %14.2f %14.2f%n", mb, bytes / up / 1e9, bytes / down / 1e9);
    }
  }
}
