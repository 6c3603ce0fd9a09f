package org.sparkgrad.util;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON (RFC 8259) reader and writer with no dependencies.
 *
 * <p>Values map to Java as follows: an object is a {@code Map<String, Object>} (a {@link
 * java.util.LinkedHashMap}, so key order is kept), an array a {@code List<Object>}, a string a
 * {@link String}, {@code true}/{@code false} a {@link Boolean}, {@code null} Java {@code null}, and
 * a number a {@link Long} when it is written without fraction or exponent and fits in a long,
 * otherwise a {@link Double}.
 *
 * <p>The reader is meant for untrusted input (it reads the safetensors header): it accepts exactly
 * the RFC grammar and nothing else (no comments, trailing commas, single quotes, leading zeros,
 * {@code NaN}, or unescaped control characters), rejects duplicate object keys, unpaired surrogate
 * escapes and numbers beyond the range of a double, and limits nesting to {@link #MAX_DEPTH} so
 * that hostile input cannot overflow the stack. Every failure is a {@link JsonException} that names
 * the character position.
 *
 * <p>What it does not do: streaming, binding to Java classes, or pretty-printing.
 */
public final class Json {
  /** The deepest nesting of arrays and objects that {@link #parse} and {@link #write} accept. */
  public static final int MAX_DEPTH = 512;

  private Json() {}

  /**
   * Parses one JSON value, surrounded by optional whitespace.
   *
   * @throws JsonException if {@code text} is not exactly one valid JSON value
   */
  public static Object parse(String text) {
    return new JsonParser(text, MAX_DEPTH).parseDocument();
  }

  /**
   * Parses UTF-8 bytes as {@link #parse(String)} does; malformed UTF-8 fails with its byte offset.
   *
   * @throws JsonException if the bytes are not UTF-8 or not exactly one valid JSON value
   */
  public static Object parse(byte[] utf8) {
    return parse(utf8, MAX_DEPTH);
  }

  /**
   * Parses UTF-8 bytes as {@link #parse(byte[])} does, with arrays and objects nested at most
   * {@code maxDepth} levels (the top-level object or array is level 1): for formats whose shape is
   * known, so that hostile input is refused before it is built.
   *
   * @throws IllegalArgumentException if {@code maxDepth} is not in [1, {@link #MAX_DEPTH}]
   * @throws JsonException if the bytes are not UTF-8, not exactly one valid JSON value, or nested
   *     deeper than {@code maxDepth}
   */
  public static Object parse(byte[] utf8, int maxDepth) {
    if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "maxDepth must be in [1, " + MAX_DEPTH + "], got " + maxDepth);
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(utf8);
    String text;
    try {
      text = decoder.decode(in).toString();
    } catch (MalformedInputException e) {
      throw new JsonException("malformed UTF-8", in.position());
    } catch (CharacterCodingException e) {
      throw new JsonException("undecodable UTF-8: " + e.getMessage(), in.position());
    }
    return new JsonParser(text, maxDepth).parseDocument();
  }

  /**
   * Parses a document whose top-level value must be an object.
   *
   * @throws JsonException if {@code text} is not valid JSON or its value is not an object
   */
  @SuppressWarnings("unchecked") // JsonParser builds objects as Map<String, Object> only.
  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new JsonException(
          "expected a JSON object at the top level, got " + JsonWriter.typeName(v), 0);
    }
    return (Map<String, Object>) v;
  }

  /**
   * Writes {@code value} as compact JSON. Accepts what {@link #parse} returns, and also any {@link
   * Map} with string keys, any {@link Iterable}, any {@link Number} (integral types are written as
   * integers; floats and doubles must be finite) and {@code int[]}, {@code long[]}, {@code float[]}
   * and {@code double[]} arrays.
   *
   * @throws IllegalArgumentException for a value JSON cannot hold (NaN, an infinity, a non-string
   *     key, a string with an unpaired surrogate, an unsupported type) or nesting deeper than
   *     {@link #MAX_DEPTH}, naming the path to it
   */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    new JsonWriter(sb).write(value, 0);
    return sb.toString();
  }

  /**
   * The JSON string literal for {@code s}, quoted and escaped; for error messages that must show
   * any string unambiguously (an unpaired surrogate is written as a {@code \\uXXXX} escape).
   */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    JsonWriter.appendString(sb, s, true);
    return sb.toString();
  }

  /** A parsed array as a list, or an {@link IllegalArgumentException} naming {@code what}. */
  @SuppressWarnings("unchecked") // JsonParser builds arrays as List<Object> only.
  public static List<Object> asList(Object value, String what) {
    if (!(value instanceof List)) {
      throw new IllegalArgumentException(
          what + ": expected a JSON array, got " + JsonWriter.typeName(value));
    }
    return (List<Object>) value;
  }

  /** A parsed object as a map, or an {@link IllegalArgumentException} naming {@code what}. */
  @SuppressWarnings("unchecked") // JsonParser builds objects as Map<String, Object> only.
  public static Map<String, Object> asObject(Object value, String what) {
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(
          what + ": expected a JSON object, got " + JsonWriter.typeName(value));
    }
    return (Map<String, Object>) value;
  }

  /** Malformed JSON: the message says what was expected and where. */
  public static final class JsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int position;

    JsonException(String message, int position) {
      super("invalid JSON at position " + position + ": " + message);
      this.position = position;
    }

    /** The 0-based character (or, for malformed UTF-8, byte) offset of the error. */
    public int position() {
      return position;
    }
  }
}
