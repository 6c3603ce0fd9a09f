package org.sparkgrad.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.sparkgrad.backend.cpu.CpuStorage;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/**
 * A tensor's elements as little-endian bytes, converted a chunk at a time so that neither side
 * needs a second full-size copy.
 */
final class TensorBytes {
  /** Bytes converted per chunk; a multiple of every element size. */
  static final int CHUNK = 1 << 16;

  private TensorBytes() {}

  /** Writes the elements of {@code t} in row-major order, little-endian. */
  static void write(Tensor t, OutputStream out, byte[] chunk) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    int perChunk = chunk.length / t.dtype().byteSize();
    Object data = hostArray(t);
    int n = t.numel();
    for (int off = 0; off < n; off += perChunk) {
      int len = Math.min(perChunk, n - off);
      buf.clear();
      switch (t.dtype()) {
        case FLOAT32 -> buf.asFloatBuffer().put((float[]) data, off, len);
        case FLOAT64 -> buf.asDoubleBuffer().put((double[]) data, off, len);
        case INT64 -> buf.asLongBuffer().put((long[]) data, off, len);
      }
      out.write(chunk, 0, len * t.dtype().byteSize());
    }
  }

  /** The host array behind {@code t}, without a copy when it lives on the CPU. */
  private static Object hostArray(Tensor t) {
    if (t.storage() instanceof CpuStorage s) {
      return switch (t.dtype()) {
        case FLOAT32 -> s.floats();
        case FLOAT64 -> s.doubles();
        case INT64 -> s.longs();
      };
    }
    return switch (t.dtype()) {
      case FLOAT32 -> t.toFloatArray();
      case FLOAT64 -> t.toDoubleArray();
      case INT64 -> t.toLongArray();
    };
  }

  /** A zero-filled CPU tensor whose elements {@link #fill} will set. */
  static Tensor allocate(DType dtype, int[] shape) {
    return Tensor.zeros(dtype, shape);
  }

  /**
   * Decodes little-endian elements from {@code src} (position to limit) into {@code t}, starting at
   * element {@code offset}; returns the number of elements decoded. {@code src} holds whole
   * elements.
   */
  static int fill(Tensor t, int offset, ByteBuffer src) {
    ByteBuffer le = src.slice().order(ByteOrder.LITTLE_ENDIAN);
    CpuStorage s = (CpuStorage) t.storage();
    int n = le.remaining() / t.dtype().byteSize();
    switch (t.dtype()) {
      case FLOAT32 -> le.asFloatBuffer().get(s.floats(), offset, n);
      case FLOAT64 -> le.asDoubleBuffer().get(s.doubles(), offset, n);
      case INT64 -> le.asLongBuffer().get(s.longs(), offset, n);
    }
    return n;
  }
}
