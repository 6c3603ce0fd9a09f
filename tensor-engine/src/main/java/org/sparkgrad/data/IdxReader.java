package org.sparkgrad.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.sparkgrad.tensor.Tensor;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: a magic number (two zero bytes, an
 * element type, the number of dimensions), one big-endian 32-bit size per dimension, then the
 * elements, big-endian and row-major. Files may be gzip-compressed (recognised by their content,
 * not their name).
 *
 * <pre>{@code
 * IdxReader.Images x = IdxReader.readImages(dir.resolve("t10k-images-idx3-ubyte.gz"), true);
 * long[] y = IdxReader.readLabels(dir.resolve("t10k-labels-idx1-ubyte.gz"));
 * TensorDataset ds = new TensorDataset(x.toTensor().flatten(1, 2), Tensor.ofLongs(y));
 * }</pre>
 *
 * <p>Everything the header claims is checked against the data before it is trusted: a damaged,
 * truncated or oversized file fails with an {@link IllegalArgumentException} naming the file and
 * the problem, without allocating for data that is not there.
 */
public final class IdxReader {
  private static final int CHUNK = 1 << 20;

  private IdxReader() {}

  /** The elements of an IDX file as floats, with its shape. */
  public static final class Images {
    private final int[] shape;
    private final float[] data;

    Images(int[] shape, float[] data) {
      this.shape = shape;
      this.data = data;
    }

    /** The sizes of the file's dimensions, for example {@code [10000, 28, 28]}. */
    public int[] shape() {
      return shape.clone();
    }

    /** The number of items: the first dimension. */
    public int count() {
      return shape[0];
    }

    /** The elements in row-major order (not a copy). */
    public float[] data() {
      return data;
    }

    /** The elements as a float32 tensor of {@link #shape()}. */
    public Tensor toTensor() {
      return Tensor.of(data, shape);
    }
  }

  /**
   * Reads an IDX file of any element type as floats.
   *
   * @param scale divide by 255 so that pixels lie in [0, 1], as {@code ToTensor()} does; only for
   *     unsigned-byte files
   */
  public static Images readImages(Path file, boolean scale) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readImages(in, file.toString(), Files.size(file), scale);
    }
  }

  /** Reads IDX bytes (raw or gzip) from {@code in} to its end; {@code sourceName} names it. */
  public static Images readImages(InputStream in, String sourceName, boolean scale)
      throws IOException {
    return readImages(in, sourceName, -1, scale);
  }

  /** Reads a one-dimensional IDX file of integers (class labels). */
  public static long[] readLabels(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readLabels(in, file.toString(), Files.size(file));
    }
  }

  /** Reads one-dimensional IDX integers (raw or gzip) from {@code in} to its end. */
  public static long[] readLabels(InputStream in, String sourceName) throws IOException {
    return readLabels(in, sourceName, -1);
  }

  private static Images readImages(InputStream in, String source, long size, boolean scale)
      throws IOException {
    IdxData d = read(in, source, size);
    if (scale && d.type != IdxType.UBYTE) {
      throw new IllegalArgumentException(
          source + ": scaling to [0, 1] needs unsigned-byte data, the file holds " + d.type.label);
    }
    float[] out = new float[d.count];
    int i = 0;
    if (d.type == IdxType.UBYTE) {
      // Divide (not multiply by 1/255) to round as PyTorch's ToTensor does.
      float k = scale ? 255f : 1f;
      for (byte[] chunk : d.chunks) {
        for (byte v : chunk) {
          out[i++] = (v & 0xff) / k;
        }
      }
      return new Images(d.dims, out);
    }
    for (byte[] chunk : d.chunks) {
      ByteBuffer b = ByteBuffer.wrap(chunk); // big-endian
      while (b.hasRemaining()) {
        out[i++] = (float) d.type.next(b);
      }
    }
    return new Images(d.dims, out);
  }

  private static long[] readLabels(InputStream in, String source, long size) throws IOException {
    IdxData d = read(in, source, size);
    if (!d.type.integral) {
      throw new IllegalArgumentException(
          source + ": labels must be integers, the file holds " + d.type.label);
    }
    if (d.dims.length != 1) {
      throw new IllegalArgumentException(
          source
              + ": labels must be one-dimensional, the file has shape "
              + Arrays.toString(d.dims));
    }
    long[] out = new long[d.count];
    int i = 0;
    for (byte[] chunk : d.chunks) {
      ByteBuffer b = ByteBuffer.wrap(chunk);
      while (b.hasRemaining()) {
        out[i++] = (long) d.type.next(b);
      }
    }
    return out;
  }

  /** A checked header and the data bytes, in chunks of whole elements. */
  private static final class IdxData {
    final IdxType type;
    final int[] dims;
    final int count;
    final List<byte[]> chunks;

    IdxData(IdxType type, int[] dims, int count, List<byte[]> chunks) {
      this.type = type;
      this.dims = dims;
      this.count = count;
      this.chunks = chunks;
    }
  }

  /** Reads and checks; {@code size} is the size of the raw source, or -1 if unknown. */
  private static IdxData read(InputStream raw, String source, long size) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
    buffered.mark(2);
    boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
    buffered.reset();
    try {
      InputStream in = gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered;
      return parse(in, source, gzip ? -1 : size);
    } catch (ZipException | EOFException e) {
      throw new IllegalArgumentException(
          source + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
    }
  }

  private static IdxData parse(InputStream in, String source, long size) throws IOException {
    byte[] magic = in.readNBytes(4);
    if (magic.length < 4) {
      throw new IllegalArgumentException(
          source + ": not an IDX file: " + magic.length + " bytes, too short for the magic number");
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw new IllegalArgumentException(
          String.format(
              "%s: not an IDX file: the magic number 0x%08x does not start with two zero bytes",
              source, ByteBuffer.wrap(magic).getInt()));
    }
    IdxType type = IdxType.of(magic[2] & 0xff, source);
    int ndims = magic[3] & 0xff;
    if (ndims == 0) {
      throw new IllegalArgumentException(source + ": the IDX header declares 0 dimensions");
    }
    byte[] dimBytes = in.readNBytes(4 * ndims);
    if (dimBytes.length < 4 * ndims) {
      throw new IllegalArgumentException(
          String.format(
              "%s: truncated IDX header: %d dimensions need %d bytes of sizes, %d are present",
              source, ndims, 4 * ndims, dimBytes.length));
    }
    int[] dims = new int[ndims];
    long count = 1;
    ByteBuffer db = ByteBuffer.wrap(dimBytes);
    for (int i = 0; i < ndims; i++) {
      dims[i] = db.getInt();
      if (dims[i] < 0) {
        throw new IllegalArgumentException(
            String.format(
                "%s: IDX dimension %d has size %d, more than 2^31-1",
                source, i, Integer.toUnsignedLong(dims[i])));
      }
      count *= dims[i];
      if (count > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            source
                + ": the IDX header declares more than 2^31-1 elements, too many to load (shape "
                + Arrays.toString(Arrays.copyOf(dims, i + 1))
                + "...)");
      }
    }
    long needed = count * type.size;
    String claim =
        String.format(
            "shape %s of %s needs %d data bytes", Arrays.toString(dims), type.label, needed);
    if (size >= 0) {
      long present = size - 4 - 4L * ndims;
      if (present < needed) {
        throw new IllegalArgumentException(
            source + ": truncated: " + claim + ", the file has " + present);
      }
      if (present > needed) {
        throw new IllegalArgumentException(
            source
                + ": "
                + (present - needed)
                + " trailing bytes: "
                + claim
                + ", the file has "
                + present);
      }
    }
    List<byte[]> chunks = new ArrayList<>();
    long read = 0;
    while (read < needed) {
      int want = (int) Math.min(CHUNK, needed - read);
      byte[] c = in.readNBytes(want);
      read += c.length;
      if (c.length < want) {
        throw new IllegalArgumentException(
            source + ": truncated: " + claim + ", only " + read + " are present");
      }
      chunks.add(c);
    }
    if (in.read() != -1) {
      throw new IllegalArgumentException(
          source + ": trailing bytes after the data: " + claim + ", but there is more");
    }
    return new IdxData(type, dims, (int) count, chunks);
  }
}
