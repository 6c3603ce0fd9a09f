package org.sparkgrad.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.sparkgrad.tensor.Tensor;

/**
 * Named tensors in the <a href="https://github.com/huggingface/safetensors">safetensors</a> format,
 * which PyTorch users read with {@code safetensors.torch.load_file}.
 *
 * <p>The format: an unsigned 64-bit little-endian header length {@code N}; {@code N} bytes of UTF-8
 * JSON mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}}, plus
 * an optional {@code "__metadata__"} object of string to string, padded with spaces so that {@code
 * N} is a multiple of 8; then the data area, each tensor's elements row-major and little-endian at
 * its offsets, which are relative to the start of the data area.
 *
 * <p>Writing puts the tensors in the map's iteration order. Reading checks everything before it
 * trusts it, and before any allocation the header's claims are not backed by: the header length
 * against the file size and a 100 MB cap, the JSON, the dtypes (F32, F64 and I64 are supported),
 * shapes against byte ranges, and that the ranges lie inside the data area, do not overlap and
 * cover it completely. A bad file fails with an {@link IllegalArgumentException} naming the source
 * and the problem. No Java serialization is involved.
 */
public final class SafeTensors {
  /** The largest header accepted, as the reference implementation's. */
  public static final long MAX_HEADER_SIZE = 100_000_000L;

  /** Bytes per read when streaming a tensor whose size is not yet backed by the source. */
  private static final int STREAM_CHUNK = 1 << 20;

  private final Map<String, Tensor> tensors;
  private final Map<String, String> metadata;

  private SafeTensors(Map<String, Tensor> tensors, Map<String, String> metadata) {
    this.tensors = tensors;
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  /** The tensors, in the order of their data in the file (a new map the caller owns). */
  @SuppressWarnings("NonApiType") // the type promises the iteration order, which is the contract
  public LinkedHashMap<String, Tensor> tensors() {
    return new LinkedHashMap<>(tensors);
  }

  /** The {@code __metadata__} entries (empty if the file has none). */
  public Map<String, String> metadata() {
    return metadata;
  }

  // ---------------------------------------------------------------- writing

  /**
   * Writes {@code tensors} (in iteration order) and {@code metadata} to {@code out}, which is not
   * closed.
   *
   * @throws IllegalArgumentException if a name is null or {@code "__metadata__"}, a tensor or
   *     metadata value is null, or a string is not valid Unicode
   */
  public static void write(
      Map<String, Tensor> tensors, Map<String, String> metadata, OutputStream out)
      throws IOException {
    SafeTensorsWriter.prepare(tensors, metadata).writeTo(out);
  }

  /**
   * Writes {@code tensors} and {@code metadata} to {@code file} atomically: the bytes go to a
   * temporary file in the same directory, which is then renamed over {@code file}. If anything
   * fails, {@code file} is left as it was and the temporary file is removed.
   */
  public static void write(Map<String, Tensor> tensors, Map<String, String> metadata, Path file)
      throws IOException {
    SafeTensorsWriter prepared = SafeTensorsWriter.prepare(tensors, metadata);
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp =
        dir.resolve(
            "."
                + target.getFileName()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    boolean moved = false;
    try {
      try (FileChannel ch =
              FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
        prepared.writeTo(os);
        os.flush();
        ch.force(true);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  // ---------------------------------------------------------------- reading

  /** Reads a safetensors file; the size of the file is checked against the header first. */
  public static SafeTensors read(Path file) throws IOException {
    String source = file.toString();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      SafeTensorsLayout layout = readLayout(ch, ch.size(), source);
      Map<String, Tensor> out = new LinkedHashMap<>();
      ByteBuffer chunk = ByteBuffer.allocate(TensorBytes.CHUNK);
      for (SafeTensorsLayout.Entry e : layout.entries) {
        // The file is known to hold these bytes, so allocating the tensor is safe.
        Tensor t = TensorBytes.allocate(e.dtype, e.shape);
        long left = e.byteSize();
        int filled = 0;
        while (left > 0) {
          chunk.clear().limit((int) Math.min(chunk.capacity(), left));
          readFully(ch, chunk, source);
          chunk.flip();
          filled += TensorBytes.fill(t, filled, chunk);
          left -= chunk.limit();
        }
        out.put(e.name, t);
      }
      return new SafeTensors(out, layout.metadata);
    }
  }

  /** Reads only the {@code __metadata__} of a file, after checking its header. */
  public static Map<String, String> readMetadata(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return Collections.unmodifiableMap(readLayout(ch, ch.size(), file.toString()).metadata);
    }
  }

  /** Reads safetensors bytes held in memory; {@code sourceName} names them in messages. */
  public static SafeTensors read(byte[] bytes, String sourceName) {
    long n = headerLength(bytes.length, bytes, sourceName);
    byte[] header = Arrays.copyOfRange(bytes, 8, 8 + (int) n);
    SafeTensorsLayout layout =
        SafeTensorsLayout.of(
            SafeTensorsHeader.parse(header, sourceName), bytes.length - 8 - n, sourceName);
    Map<String, Tensor> out = new LinkedHashMap<>();
    int data = 8 + (int) n;
    for (SafeTensorsLayout.Entry e : layout.entries) {
      Tensor t = TensorBytes.allocate(e.dtype, e.shape);
      TensorBytes.fill(t, 0, ByteBuffer.wrap(bytes, data + (int) e.begin, (int) e.byteSize()));
      out.put(e.name, t);
    }
    return new SafeTensors(out, layout.metadata);
  }

  /**
   * Reads safetensors from a stream of unknown length, to its end; {@code sourceName} names it in
   * messages. The stream is not closed. Each tensor's bytes are read before its tensor is
   * allocated, so a header that claims more data than the stream holds fails without a large
   * allocation.
   */
  public static SafeTensors read(InputStream in, String sourceName) throws IOException {
    byte[] lengthBytes = in.readNBytes(8);
    long n = headerLength(-1, lengthBytes, sourceName);
    byte[] header = in.readNBytes((int) n);
    if (header.length < n) {
      throw new IllegalArgumentException(
          String.format(
              "%s: truncated: header length is %d bytes, but only %d follow",
              sourceName, n, header.length));
    }
    SafeTensorsLayout layout =
        SafeTensorsLayout.of(SafeTensorsHeader.parse(header, sourceName), -1, sourceName);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (SafeTensorsLayout.Entry e : layout.entries) {
      List<byte[]> chunks = new ArrayList<>();
      long left = e.byteSize();
      while (left > 0) {
        int want = (int) Math.min(STREAM_CHUNK, left);
        byte[] c = in.readNBytes(want);
        if (c.length < want) {
          throw new IllegalArgumentException(
              String.format(
                  "%s: truncated: tensor '%s' needs bytes [%d, %d) of the data area, the stream"
                      + " ends %d bytes short",
                  sourceName, e.name, e.begin, e.end, left - c.length));
        }
        left -= want;
        chunks.add(c);
      }
      Tensor t = TensorBytes.allocate(e.dtype, e.shape);
      int filled = 0;
      for (byte[] c : chunks) {
        filled += TensorBytes.fill(t, filled, ByteBuffer.wrap(c));
      }
      out.put(e.name, t);
    }
    if (in.read() != -1) {
      throw new IllegalArgumentException(
          String.format(
              "%s: trailing bytes after the last tensor's data (the tensors cover %d bytes)",
              sourceName, layout.dataSize));
    }
    return new SafeTensors(out, layout.metadata);
  }

  private static SafeTensorsLayout readLayout(FileChannel ch, long size, String source)
      throws IOException {
    ByteBuffer lengthBytes = ByteBuffer.allocate((int) Math.min(8, size));
    readFully(ch, lengthBytes, source);
    long n = headerLength(size, lengthBytes.array(), source);
    ByteBuffer header = ByteBuffer.allocate((int) n);
    readFully(ch, header, source);
    return SafeTensorsLayout.of(
        SafeTensorsHeader.parse(header.array(), source), size - 8 - n, source);
  }

  /**
   * The header length from the first 8 bytes, checked against the cap and, when {@code size >= 0},
   * the size of the whole source.
   */
  private static long headerLength(long size, byte[] bytes, String source) {
    if (bytes.length < 8) {
      throw new IllegalArgumentException(
          String.format(
              "%s: truncated or not a safetensors file: %d bytes, fewer than the 8-byte header"
                  + " length",
              source, bytes.length));
    }
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (n < 0 || n > MAX_HEADER_SIZE) {
      throw new IllegalArgumentException(
          String.format(
              "%s: header length %s exceeds the limit of %d bytes (corrupt or not a safetensors"
                  + " file)",
              source, Long.toUnsignedString(n), MAX_HEADER_SIZE));
    }
    if (size >= 0 && n > size - 8) {
      throw new IllegalArgumentException(
          String.format(
              "%s: header length %d is larger than the file (%d bytes after the length field);"
                  + " truncated or not a safetensors file",
              source, n, size - 8));
    }
    return n;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, String source) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        throw new IllegalArgumentException(
            source
                + ": truncated: the file ended while reading (was it changed while being read?)");
      }
    }
  }
}
