package org.sparkgrad.backend.cpu;

import java.util.Arrays;
import org.sparkgrad.backend.Storage;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.DeviceScope;

/**
 * A CPU storage: a Java {@code float[]}, {@code double[]} or {@code long[]}.
 *
 * <p>A float32 storage allocated inside a recycling {@link DeviceScope} takes its array from this
 * thread's {@link HostBufferPool} and gives it back when the scope closes it; from then on it has
 * no array, and any use fails, so a released buffer is never seen through two storages.
 */
public final class CpuStorage extends Storage {
  // Null once a pooled storage is closed: its array may then belong to another storage.
  private float[] floats;
  private final double[] doubles;
  private final long[] longs;

  CpuStorage(float[] data) {
    super(DType.FLOAT32, data.length);
    this.floats = data;
    this.doubles = null;
    this.longs = null;
  }

  CpuStorage(double[] data) {
    super(DType.FLOAT64, data.length);
    this.floats = null;
    this.doubles = data;
    this.longs = null;
  }

  CpuStorage(long[] data) {
    super(DType.INT64, data.length);
    this.floats = null;
    this.doubles = null;
    this.longs = data;
  }

  private boolean pooled;

  /** A zero-filled storage; a recycled buffer inside a recycling scope. */
  static CpuStorage allocate(DType dtype, int size) {
    return allocate(dtype, size, true);
  }

  /**
   * A storage of {@code size} elements, zero-filled if {@code zero}, else with unspecified contents
   * (for an op that writes every element). Inside a recycling {@link DeviceScope} a float32 one
   * reuses a buffer of this thread's pool and is released when the scope closes.
   */
  static CpuStorage allocate(DType dtype, int size, boolean zero) {
    if (dtype == DType.FLOAT32 && size > 0 && DeviceScope.recycling()) {
      float[] a = HostBufferPool.current().take(size);
      if (a == null) {
        a = new float[size];
      } else if (zero) {
        Arrays.fill(a, 0f);
      }
      CpuStorage s = new CpuStorage(a);
      s.pooled = true;
      DeviceScope.track(s);
      return s;
    }
    return switch (dtype) {
      case FLOAT32 -> new CpuStorage(new float[size]);
      case FLOAT64 -> new CpuStorage(new double[size]);
      case INT64 -> new CpuStorage(new long[size]);
    };
  }

  @Override
  public Device device() {
    return Device.CPU;
  }

  /** The backing array of a FLOAT32 storage (not a copy). */
  public float[] floats() {
    if (floats == null) {
      throw new IllegalStateException(
          pooled
              ? "this tensor was made inside a recycling DeviceScope that has closed, and its"
                  + " buffer went back to the pool: keep it (DeviceScope.keep) or copy it out"
                  + " before the scope ends"
              : "storage is " + dtype() + ", not float32");
    }
    return floats;
  }

  /**
   * Gives a pooled storage's buffer back to this thread's pool; the storage is unusable after.
   * Other storages (wrapped caller arrays, storages made outside a recycling scope) are left as
   * they are: the garbage collector frees them.
   */
  @Override
  public void close() {
    if (pooled && floats != null) {
      float[] a = floats;
      floats = null;
      HostBufferPool.current().give(a);
    }
  }

  /** The backing array of a FLOAT64 storage (not a copy). */
  public double[] doubles() {
    if (doubles == null) {
      throw new IllegalStateException("storage is " + dtype() + ", not float64");
    }
    return doubles;
  }

  /** The backing array of an INT64 storage (not a copy). */
  public long[] longs() {
    if (longs == null) {
      throw new IllegalStateException("storage is " + dtype() + ", not int64");
    }
    return longs;
  }

  /** Element {@code i} as a double, whatever the dtype. */
  double get(int i) {
    return switch (dtype()) {
      case FLOAT32 -> floats[i];
      case FLOAT64 -> doubles[i];
      case INT64 -> longs[i];
    };
  }

  /** Sets element {@code i} from a double, rounding to the dtype. */
  void set(int i, double v) {
    switch (dtype()) {
      case FLOAT32 -> floats[i] = (float) v;
      case FLOAT64 -> doubles[i] = v;
      case INT64 -> longs[i] = (long) v;
    }
  }
}
