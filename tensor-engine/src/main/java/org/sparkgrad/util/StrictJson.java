package org.sparkgrad.util;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jackson, configured once for every JSON file Sparkgrad reads or writes: strict on input, compact
 * on output, and failing with an {@link IllegalArgumentException} that says where.
 *
 * <p>Reading accepts exactly one JSON value per document: duplicate object keys, trailing content
 * after the value, and {@code NaN}/{@code Infinity} tokens are refused, and nesting is limited (the
 * safetensors header allows {@value #HEADER_DEPTH} levels). Untyped values map to Java as Jackson's
 * databind maps them with {@code USE_LONG_FOR_INTS}: an object is a {@code LinkedHashMap} in file
 * order, an array an {@code ArrayList}, an integer a {@link Long} (one beyond a long's range is an
 * error), a fraction or exponent a {@link Double}. Records bind through {@link #mapper()}; a
 * property the record does not have is an error.
 *
 * <p>Writing is Jackson's compact form. JSON has no NaN or infinity, so a {@code double} that is
 * one is written as the string {@code "NaN"} or {@code "Infinity"} (Jackson's default), which binds
 * back into a {@code double} record component.
 */
public final class StrictJson {
  /** The nesting {@link #parse(byte[], int)} allows for a safetensors header. */
  public static final int HEADER_DEPTH = 3;

  /** The deepest nesting any document may have. */
  public static final int MAX_DEPTH = 512;

  private static final ObjectMapper MAPPER = build(MAX_DEPTH);
  private static final Map<Integer, ObjectMapper> BY_DEPTH = new ConcurrentHashMap<>();

  private StrictJson() {}

  private static ObjectMapper build(int maxDepth) {
    JsonFactory factory =
        JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
            .build();
    return JsonMapper.builder(factory)
        .enable(DeserializationFeature.USE_LONG_FOR_INTS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .build();
  }

  /** The shared mapper, for binding records ({@code readValue}, {@code writeValueAsBytes}). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Parses one JSON value.
   *
   * @throws IllegalArgumentException {@code invalid JSON at position N: ...} if {@code text} is not
   *     exactly one valid JSON value
   */
  public static Object parse(String text) {
    try {
      return MAPPER.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      throw invalid(e);
    }
  }

  /**
   * Parses UTF-8 bytes with arrays and objects nested at most {@code maxDepth} levels (the
   * top-level value is level 1), so that hostile input is refused before it is built; positions in
   * errors are byte offsets.
   *
   * @throws IllegalArgumentException if {@code maxDepth} is not in [1, {@link #MAX_DEPTH}], or the
   *     bytes are not UTF-8, not exactly one valid JSON value, or nested too deep
   */
  public static Object parse(byte[] utf8, int maxDepth) {
    if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "maxDepth must be in [1, " + MAX_DEPTH + "], got " + maxDepth);
    }
    try {
      return BY_DEPTH.computeIfAbsent(maxDepth, StrictJson::build).readValue(utf8, Object.class);
    } catch (JsonProcessingException e) {
      throw invalid(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a document whose top-level value must be an object, as {@link #parse(String)}. */
  public static Map<String, Object> parseObject(String text) {
    Object v = parse(text);
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException(
          "invalid JSON at position 0: expected an object at the top level, got " + typeName(v));
    }
    return asObject(v, "JSON document");
  }

  /**
   * Binds {@code utf8} to {@code type} (a record, usually).
   *
   * @throws IllegalArgumentException naming {@code what}, the position and the problem
   */
  public static <T> T read(byte[] utf8, Class<T> type, String what) {
    try {
      return MAPPER.readValue(utf8, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + ": " + invalid(e).getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code value} (maps, lists, strings, numbers, booleans, Java arrays, records) compactly.
   *
   * @throws IllegalArgumentException for a value Jackson cannot serialize
   */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The JSON string literal for {@code s}, quoted and escaped. */
  public static String quote(String s) {
    return write(s);
  }

  /** A parsed array as a list, or an {@link IllegalArgumentException} naming {@code what}. */
  @SuppressWarnings("unchecked") // databind builds untyped arrays as List<Object>.
  public static List<Object> asList(Object value, String what) {
    if (!(value instanceof List)) {
      throw new IllegalArgumentException(what + ": expected a JSON array, got " + typeName(value));
    }
    return (List<Object>) value;
  }

  /** A parsed object as a map, or an {@link IllegalArgumentException} naming {@code what}. */
  @SuppressWarnings("unchecked") // databind builds untyped objects as Map<String, Object>.
  public static Map<String, Object> asObject(Object value, String what) {
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(what + ": expected a JSON object, got " + typeName(value));
    }
    return (Map<String, Object>) value;
  }

  /** "an array", "a number", ...: the JSON kind of a parsed value, for error messages. */
  public static String typeName(Object v) {
    if (v == null) {
      return "null";
    } else if (v instanceof String) {
      return "a string";
    } else if (v instanceof Number) {
      return "a number";
    } else if (v instanceof Boolean) {
      return "a boolean";
    } else if (v instanceof List) {
      return "an array";
    } else if (v instanceof Map) {
      return "an object";
    }
    return "a " + v.getClass().getName();
  }

  private static IllegalArgumentException invalid(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = "";
    if (at != null) {
      long pos = at.getCharOffset() >= 0 ? at.getCharOffset() : at.getByteOffset();
      where = pos >= 0 ? " at position " + pos : "";
    }
    return new IllegalArgumentException("invalid JSON" + where + ": " + e.getOriginalMessage(), e);
  }
}
