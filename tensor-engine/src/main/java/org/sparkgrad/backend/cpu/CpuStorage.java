package org.sparkgrad.backend.cpu;

import org.sparkgrad.backend.Storage;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;

/** A CPU storage: a Java {@code float[]}, {@code double[]} or {@code long[]}. */
public final class CpuStorage extends Storage {
  private final float[] floats;
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

  static CpuStorage allocate(DType dtype, int size) {
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
      throw new IllegalStateException("storage is " + dtype() + ", not float32");
    }
    return floats;
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
