package org.sparkgrad.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files written here, raw and gzip, every element type, every damage; and Fashion-MNIST. */
class IdxReaderTest {
  private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  @TempDir Path dir;

  /** An IDX file: magic with {@code type}, the dims, then {@code data} as given. */
  private static byte[] idx(int type, int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.put(data).array();
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private static final byte[] PIXELS = {0, 1, 2, (byte) 127, (byte) 128, (byte) 255};

  @Test
  void readsUnsignedByteImagesRawAndScaled() throws IOException {
    Path raw = write("img-idx3-ubyte", idx(0x08, new int[] {3, 1, 2}, PIXELS));
    IdxReader.Images img = IdxReader.readImages(raw, false);
    assertThat(img.shape()).containsExactly(3, 1, 2);
    assertThat(img.count()).isEqualTo(3);
    assertThat(img.data()).containsExactly(0, 1, 2, 127, 128, 255);
    IdxReader.Images scaled = IdxReader.readImages(raw, true);
    assertThat(scaled.data()).containsExactly(0f, 1 / 255f, 2 / 255f, 127 / 255f, 128 / 255f, 1f);
    assertThat(scaled.toTensor().shape()).containsExactly(3, 1, 2);
    assertThat(scaled.toTensor().toFloatArray()).containsExactly(scaled.data());
  }

  @Test
  void gzipIsRecognisedByContentNotName() throws IOException {
    byte[] plain = idx(0x08, new int[] {3, 1, 2}, PIXELS);
    Path gz = write("no-extension", gzip(plain));
    assertThat(IdxReader.readImages(gz, false).data()).containsExactly(0, 1, 2, 127, 128, 255);
    Path notGz = write("looks.gz", plain);
    assertThat(IdxReader.readImages(notGz, false).shape()).containsExactly(3, 1, 2);
    assertThat(IdxReader.readImages(new ByteArrayInputStream(gzip(plain)), "stream", false).shape())
        .containsExactly(3, 1, 2);
  }

  @Test
  void readsEveryElementType() throws IOException {
    ByteBuffer shorts = ByteBuffer.allocate(4).putShort((short) -300).putShort((short) 7);
    ByteBuffer ints = ByteBuffer.allocate(8).putInt(-70000).putInt(123456789);
    ByteBuffer floats = ByteBuffer.allocate(8).putFloat(1.5f).putFloat(-0.25f);
    ByteBuffer doubles = ByteBuffer.allocate(16).putDouble(2.5).putDouble(-1e10);
    assertThat(images(0x09, new byte[] {-5, 5})).containsExactly(-5, 5);
    assertThat(images(0x0B, shorts.array())).containsExactly(-300, 7);
    assertThat(images(0x0C, ints.array())).containsExactly(-70000, 123456789);
    assertThat(images(0x0D, floats.array())).containsExactly(1.5f, -0.25f);
    assertThat(images(0x0E, doubles.array())).containsExactly(2.5f, -1e10f);
  }

  private float[] images(int type, byte[] data) throws IOException {
    return IdxReader.readImages(write("t" + type, idx(type, new int[] {2}, data)), false).data();
  }

  @Test
  void readsLabelsOfAnyIntegerType() throws IOException {
    Path ubyte = write("l1", gzip(idx(0x08, new int[] {4}, new byte[] {9, 0, 3, (byte) 200})));
    assertThat(IdxReader.readLabels(ubyte)).containsExactly(9, 0, 3, 200);
    byte[] big = ByteBuffer.allocate(8).putInt(70000).putInt(-2).array();
    assertThat(IdxReader.readLabels(write("l2", idx(0x0C, new int[] {2}, big))))
        .containsExactly(70000, -2);
    assertThat(
            IdxReader.readLabels(
                new ByteArrayInputStream(idx(0x08, new int[] {1}, new byte[] {4})), "s"))
        .containsExactly(4);
  }

  @Test
  void emptyFilesOfZeroItemsAreFine() throws IOException {
    IdxReader.Images img =
        IdxReader.readImages(write("e", idx(0x08, new int[] {0, 28, 28}, new byte[0])), true);
    assertThat(img.shape()).containsExactly(0, 28, 28);
    assertThat(img.data()).isEmpty();
  }

  private void assertRejectedRawAndGzip(byte[] bytes, String problem) throws IOException {
    Path raw = write("bad-idx-ubyte", bytes);
    assertThatThrownBy(() -> IdxReader.readImages(raw, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(raw + ": ")
        .hasMessageContaining(problem);
    Path gz = write("bad-idx-ubyte.gz", gzip(bytes));
    assertThatThrownBy(() -> IdxReader.readImages(gz, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(gz + ": ")
        .hasMessageContaining(problem);
  }

  @Test
  void rejectsDamagedHeaders() throws IOException {
    assertRejectedRawAndGzip(new byte[] {0, 0, 8}, "3 bytes, too short for the magic number");
    assertRejectedRawAndGzip(
        "PK\u0003\u0004 zip".getBytes(StandardCharsets.ISO_8859_1),
        "magic number 0x504b0304 does not start with two zero bytes");
    assertRejectedRawAndGzip(
        idx(0x07, new int[] {1}, new byte[] {1}), "unknown IDX element type 0x07");
    assertRejectedRawAndGzip(idx(0x08, new int[0], new byte[0]), "declares 0 dimensions");
    byte[] cutDims = Arrays.copyOf(idx(0x08, new int[] {1, 2, 3}, new byte[0]), 10);
    assertRejectedRawAndGzip(
        cutDims, "truncated IDX header: 3 dimensions need 12 bytes of sizes, 6 are present");
    assertRejectedRawAndGzip(
        idx(0x08, new int[] {-1}, new byte[0]), "dimension 0 has size 4294967295, more than 2^31");
    assertRejectedRawAndGzip(
        idx(0x08, new int[] {65536, 65536}, new byte[0]), "more than 2^31-1 elements");
  }

  @Test
  void rejectsTruncatedAndTrailingData() throws IOException {
    byte[] full = idx(0x08, new int[] {2, 2, 2}, new byte[8]);
    assertRejectedRawAndGzip(
        Arrays.copyOf(full, full.length - 3),
        "truncated: shape [2, 2, 2] of unsigned bytes needs 8 data bytes");
    byte[] extra = Arrays.copyOf(full, full.length + 2);
    Path raw = write("extra", extra);
    assertThatThrownBy(() -> IdxReader.readImages(raw, false))
        .hasMessageContaining("2 trailing bytes: shape [2, 2, 2] of unsigned bytes needs 8");
    Path gz = write("extra.gz", gzip(extra));
    assertThatThrownBy(() -> IdxReader.readLabels(gz))
        .hasMessageContaining("trailing bytes after the data");
    // A header that claims 1.6 GB in a tiny file fails on the missing data, not on an allocation.
    assertRejectedRawAndGzip(
        idx(0x08, new int[] {40000, 40000}, new byte[10]), "needs 1600000000 data bytes");
  }

  @Test
  void rejectsCorruptGzip() throws IOException {
    byte[] gz = gzip(idx(0x08, new int[] {100}, new byte[100]));
    Path cut = write("cut.gz", Arrays.copyOf(gz, gz.length - 12));
    assertThatThrownBy(() -> IdxReader.readImages(cut, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(cut + ": ")
        .hasMessageContaining("corrupt or truncated gzip data");
    byte[] garbage = {0x1f, (byte) 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    Path bad = write("garbage.gz", garbage);
    assertThatThrownBy(() -> IdxReader.readLabels(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("corrupt or truncated gzip data");
  }

  @Test
  void labelsMustBeOneDimensionalIntegers() throws IOException {
    Path twoD = write("l", idx(0x08, new int[] {1, 2}, new byte[2]));
    assertThatThrownBy(() -> IdxReader.readLabels(twoD))
        .hasMessage(twoD + ": labels must be one-dimensional, the file has shape [1, 2]");
    Path floats = write("f", idx(0x0D, new int[] {1}, new byte[4]));
    assertThatThrownBy(() -> IdxReader.readLabels(floats))
        .hasMessage(floats + ": labels must be integers, the file holds 32-bit floats");
    assertThatThrownBy(() -> IdxReader.readImages(floats, true))
        .hasMessage(
            floats + ": scaling to [0, 1] needs unsigned-byte data, the file holds 32-bit floats");
  }

  @Test
  void readsTheRealFashionMnistTestSet() throws IOException {
    Assumptions.assumeTrue(
        Files.isDirectory(FASHION_MNIST),
        FASHION_MNIST + " is absent (Debian package dataset-fashion-mnist; .ci/run installs it)");
    IdxReader.Images img =
        IdxReader.readImages(FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz"), false);
    long[] labels = IdxReader.readLabels(FASHION_MNIST.resolve("t10k-labels-idx1-ubyte.gz"));
    assertThat(img.shape()).containsExactly(10000, 28, 28);
    assertThat(labels).hasSize(10000);
    assertThat(labels[0]).isEqualTo(9); // an ankle boot
    assertThat(Arrays.copyOf(labels, 10)).containsExactly(9, 2, 1, 1, 6, 1, 4, 6, 5, 7);
    long[] perClass = new long[10];
    for (long l : labels) {
      perClass[(int) l]++;
    }
    assertThat(perClass).containsOnly(1000);
    // Sum of the first image's pixels, as Python's gzip module reads them: 33456.
    double sum = 0;
    for (int i = 0; i < 784; i++) {
      sum += img.data()[i];
    }
    assertThat(sum).isEqualTo(33456);
  }
}
