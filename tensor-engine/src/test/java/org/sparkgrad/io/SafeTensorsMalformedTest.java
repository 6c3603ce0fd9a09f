package org.sparkgrad.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a safetensors file can be damaged fails with an {@link IllegalArgumentException} that
 * names the source and the problem, through the file, byte-array and stream readers alike.
 */
class SafeTensorsMalformedTest {
  @TempDir Path dir;

  private static final String ONE_F32 =
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";

  /** A file with the given header length field, header bytes and number of data bytes. */
  private static byte[] file(long headerLength, byte[] header, int dataBytes) {
    ByteBuffer b =
        ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(headerLength).put(header);
    return b.array();
  }

  private static byte[] file(String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return file(h.length, h, dataBytes);
  }

  private static String tensor(String name, String dtype, String shape, long begin, long end) {
    return String.format(
        "\"%s\":{\"dtype\":\"%s\",\"shape\":%s,\"data_offsets\":[%d,%d]}",
        name, dtype, shape, begin, end);
  }

  /** Rejected by all three readers with the same problem. */
  private void assertRejected(byte[] bytes, String problem) throws IOException {
    assertRejected(bytes, problem, problem);
  }

  /** Rejected; a stream, whose length is unknown, may see the problem as {@code streamProblem}. */
  private void assertRejected(byte[] bytes, String problem, String streamProblem)
      throws IOException {
    Path path = dir.resolve("bad.safetensors");
    Files.write(path, bytes);
    assertThatThrownBy(() -> SafeTensors.read(path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(path + ": ")
        .hasMessageContaining(problem);
    assertThatThrownBy(() -> StateDict.loadMetadata(path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem);
    assertThatThrownBy(() -> SafeTensors.read(bytes, "hdfs://n/m.safetensors"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("hdfs://n/m.safetensors: ")
        .hasMessageContaining(problem);
    assertThatThrownBy(() -> SafeTensors.read(new ByteArrayInputStream(bytes), "stream.st"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("stream.st: ")
        .hasMessageContaining(streamProblem);
  }

  @Test
  void theWellFormedBaseCaseLoads() {
    assertThat(SafeTensors.read(file(ONE_F32, 4), "ok").tensors()).containsOnlyKeys("a");
  }

  @Test
  void tooShortForTheLengthField() throws IOException {
    assertRejected(new byte[0], "0 bytes, fewer than the 8-byte header length");
    assertRejected(new byte[5], "5 bytes, fewer than the 8-byte header length");
  }

  @Test
  void headerLengthLargerThanTheFile() throws IOException {
    byte[] h = ONE_F32.getBytes(StandardCharsets.UTF_8);
    assertRejected(
        file(1000, h, 4),
        "header length 1000 is larger than the file (" + (h.length + 4) + " bytes",
        "truncated: header length is 1000 bytes, but only " + (h.length + 4) + " follow");
  }

  @Test
  void truncatedHeader() throws IOException {
    byte[] full = file(ONE_F32, 4);
    byte[] cut = Arrays.copyOf(full, 8 + 20);
    assertRejected(
        cut,
        "larger than the file (20 bytes",
        "truncated: header length is " + ONE_F32.length() + " bytes, but only 20 follow");
  }

  @Test
  void headerLengthOverTheCap() throws IOException {
    assertRejected(
        file(1L << 40, new byte[16], 0), "header length 1099511627776 exceeds the limit");
    assertRejected(
        file(-1L, new byte[16], 0), "header length 18446744073709551615 exceeds the limit");
  }

  @Test
  void badJson() throws IOException {
    String[][] cases = {
      {"", "must start with '{'"},
      {"[1,2]", "must start with '{'"},
      {
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}",
        "Unexpected end-of-input: expected close marker for Object"
      },
      {
        "{\"a\":1,}",
        "at position 7: Unexpected character ('}' (code 125)): was expecting double-quote"
      },
      {"{a:1}", "at position 1: Unexpected character ('a' (code 97)): was expecting double-quote"},
      {"{\"a\" 1}", "at position 5: Unexpected character ('1' (code 49)): was expecting a colon"},
      {"{\"a\":[1,]}", "at position 8: Unexpected character (']' (code 93)): expected a value"},
      {"{\"a\":tru}", "at position 5: Unrecognized token 'tru'"},
      {
        "{\"a\":1 \"b\":2}",
        "at position 7: Unexpected character ('\"' (code 34)): was expecting comma to separate Object"
      },
      {
        "{\"a\":[1 2]}",
        "at position 8: Unexpected character ('2' (code 50)): was expecting comma to separate Array"
      },
      {"{\"a\":\"x\\qy\"}", "at position 8: Unrecognized character escape 'q'"},
      {"{\"a\":\"x\u0001y\"}", "at position 7: Illegal unquoted character ((CTRL-CHAR, code 1))"},
      {
        "{\"a\":\"\\u12\"}",
        "at position 10: Unexpected character ('\"' (code 34)): expected a hex-digit"
      },
      {"{\"a\":\"unterminated}", "Unexpected end-of-input in VALUE_STRING"},
      {"{\"a\":-}", "expected digit (0-9) to follow minus sign"},
      {"{\"a\":1.}", "Decimal point not followed by a digit"},
      {"{\"a\":1e}", "Exponent indicator not followed by a digit"},
      {"{\"a\":[01]}", "at position 7: Invalid numeric value: Leading zeroes not allowed"},
      {
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}",
        "Numeric value (99999999999999999999) out of range of long"
      },
      {"{} {}", "at position 3: Trailing token (of type START_OBJECT)"},
      {"{\"a\":1,\"a\":2}", "at position 10: Duplicate field 'a'"},
      {"{\"a\":{\"b\":[[1]]}}", "nesting depth (4) exceeds the maximum allowed (3"},
      {"{\"a\":" + "[".repeat(100_000), "nesting depth (4) exceeds the maximum allowed (3"},
    };
    for (String[] c : cases) {
      assertRejected(file(c[0], 0), c[1]);
    }
    byte[] badUtf8 = {'{', '"', (byte) 0xff, '"', ':', '1', '}'};
    assertRejected(
        file(badUtf8.length, badUtf8, 0), "at position 4: Invalid UTF-8 start byte 0xff");
  }

  @Test
  void theJsonMessageSaysWhere() {
    assertThatThrownBy(() -> SafeTensors.read(file("{\"a\" 1}", 0), "f"))
        .hasMessage(
            "f: safetensors header is not valid: invalid JSON at position 5: Unexpected character"
                + " ('1' (code 49)): was expecting a colon to separate field name and value");
  }

  @Test
  void unknownOrInvalidDtype() throws IOException {
    assertRejected(
        file("{" + tensor("w", "BF16", "[2]", 0, 4) + "}", 4),
        "tensor 'w' has unsupported dtype 'BF16' (supported: F32, F64, I64)");
    assertRejected(
        file("{\"w\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
        "tensor 'w' dtype must be a string, got a number");
  }

  @Test
  void malformedEntries() throws IOException {
    assertRejected(file("{\"w\":[1]}", 0), "tensor 'w' must be a JSON object, got an array");
    assertRejected(
        file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4),
        "tensor 'w' has no 'shape' field");
    assertRejected(
        file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"foo\":1}}", 4),
        "tensor 'w' has unknown field 'foo'");
    assertRejected(
        file("{" + tensor("w", "F32", "[-1]", 0, 4) + "}", 4),
        "tensor 'w' shape must hold non-negative integers, got [-1]");
    assertRejected(
        file("{" + tensor("w", "F32", "[1.5]", 0, 4) + "}", 4),
        "shape must hold non-negative integers, got [1.5]");
    assertRejected(
        file("{\"w\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,4]}}", 4),
        "tensor 'w' shape must be an array, got a string");
    assertRejected(
        file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8),
        "tensor 'w' data_offsets must be [begin, end], got 3 numbers");
    assertRejected(
        file("{" + tensor("w", "F32", "[1]", 8, 4) + "}", 8),
        "data_offsets [8, 4] end before they begin");
    assertRejected(
        file("{" + tensor("w", "F32", "[65536,65536]", 0, 4) + "}", 4),
        "more than the 2^31-1 elements a tensor can hold");
  }

  @Test
  void badMetadata() throws IOException {
    assertRejected(
        file("{\"__metadata__\":{\"k\":1}," + tensor("w", "F32", "[1]", 0, 4) + "}", 4),
        "__metadata__ values must be strings, key 'k' holds a number");
    assertRejected(
        file("{\"__metadata__\":[\"k\"]}", 0), "__metadata__ must be a JSON object, got an array");
  }

  @Test
  void sizeMismatch() throws IOException {
    assertRejected(
        file("{" + tensor("w", "F32", "[3]", 0, 8) + "}", 8),
        "tensor 'w' (F32, shape [3]) needs 12 bytes, but its data_offsets [0, 8] span 8 (size"
            + " mismatch)");
    assertRejected(file("{" + tensor("w", "I64", "[2,2]", 0, 16) + "}", 16), "needs 32 bytes");
  }

  @Test
  void offsetsOutOfRange() throws IOException {
    assertRejected(
        file("{" + tensor("w", "F32", "[2]", 0, 8) + "}", 4),
        "data_offsets [0, 8] of tensor 'w' point past the end of the data area (4 bytes",
        "truncated: tensor 'w' needs bytes [0, 8) of the data area, the stream ends 4 bytes short");
  }

  @Test
  void aHugeClaimFailsBeforeAllocating() throws IOException {
    // 2^31-1 float64 elements is 16 GiB: allocating it first would throw OutOfMemoryError.
    long end = 8L * Integer.MAX_VALUE;
    assertRejected(
        file("{" + tensor("w", "F64", "[2147483647]", 0, end) + "}", 8),
        "point past the end of the data area (8 bytes",
        "the stream ends " + (end - 8) + " bytes short");
  }

  @Test
  void overlappingOffsets() throws IOException {
    assertRejected(
        file(
            "{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[2]", 4, 12) + "}",
            12),
        "data_offsets [4, 12] of tensor 'b' overlap those of tensor 'a' [0, 8]");
    assertRejected(
        file(
            "{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[2]", 0, 8) + "}", 8),
        "overlap");
  }

  @Test
  void holesInTheDataArea() throws IOException {
    assertRejected(
        file(
            "{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("b", "F32", "[1]", 8, 12) + "}",
            12),
        "gap of 4 bytes before tensor 'b' (data_offsets [8, 12])");
    assertRejected(file("{" + tensor("a", "F32", "[1]", 4, 8) + "}", 8), "gap of 4 bytes");
  }

  @Test
  void trailingGarbage() throws IOException {
    assertRejected(
        file(ONE_F32, 6),
        "2 trailing bytes after the last tensor's data (the data area has 6 bytes, the tensors"
            + " cover 4)",
        "trailing bytes after the last tensor's data (the tensors cover 4 bytes)");
  }

  @Test
  void trailingSpacesAreTheAllowedPadding() {
    byte[] ok = file(ONE_F32 + "       ", 4);
    assertThat(SafeTensors.read(ok, "padded").tensors().get("a").numel()).isEqualTo(1);
  }
}
