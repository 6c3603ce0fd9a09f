package org.sparkgrad.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file: a strict reader for exactly the JSON a header may hold,
 * and the writer. Kept private to this package so the format code needs no JSON library.
 *
 * <p>The reader accepts RFC 8259 JSON (objects, arrays, strings with every escape, numbers, {@code
 * true}, {@code false}, {@code null}) nested at most {@link #MAX_DEPTH} levels deep, rejects
 * duplicate keys, and returns objects as {@link LinkedHashMap}s in file order, arrays as {@link
 * List}s, integers as {@link Long}, other numbers as {@link Double}, and {@code null} as {@link
 * #NULL}. What the values must be is checked by {@link SafeTensorsLayout}.
 */
final class SafeTensorsHeader {
  /** The top-level object, a tensor entry or the metadata object, and a shape or offsets array. */
  static final int MAX_DEPTH = 3;

  /** The JSON {@code null}, distinct from a missing key. */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  private final String text;
  private final String source;
  private int pos;

  private SafeTensorsHeader(String text, String source) {
    this.text = text;
    this.source = source;
  }

  /**
   * Parses the header bytes (UTF-8 JSON, optionally followed by whitespace padding) into the
   * top-level object.
   *
   * @throws IllegalArgumentException naming {@code source} and the problem
   */
  static Map<String, Object> parse(byte[] header, String source) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(header))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(source + ": safetensors header is not valid UTF-8", e);
    }
    if (text.isEmpty() || text.charAt(0) != '{') {
      throw new IllegalArgumentException(
          source + ": safetensors header must start with '{' (bad JSON or not a safetensors file)");
    }
    SafeTensorsHeader p = new SafeTensorsHeader(text, source);
    @SuppressWarnings("unchecked") // the first character is '{', so the value is an object
    Map<String, Object> top = (Map<String, Object>) p.value(1);
    p.skipWhitespace();
    if (p.pos != text.length()) {
      throw p.error("unexpected content after the header's JSON object");
    }
    return top;
  }

  private Object value(int depth) {
    skipWhitespace();
    if (pos >= text.length()) {
      throw error("header JSON ends where a value was expected");
    }
    char c = text.charAt(pos);
    if ((c == '{' || c == '[') && depth > MAX_DEPTH) {
      throw error("header JSON is nested deeper than " + MAX_DEPTH + " levels");
    }
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true", true);
      case 'f' -> literal("false", false);
      case 'n' -> literal("null", NULL);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("unexpected character " + describe(c) + " in header JSON");
      }
    };
  }

  private Map<String, Object> object(int depth) {
    pos++; // '{'
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("expected a quoted key in header JSON object");
      }
      int keyAt = pos;
      String key = string();
      skipWhitespace();
      expect(':');
      Object v = value(depth + 1);
      if (map.put(key, v) != null) {
        pos = keyAt;
        throw error("duplicate key \"" + key + "\" in header JSON");
      }
      skipWhitespace();
      char c = next("',' or '}' in header JSON object");
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or '}' in header JSON object, found " + describe(c));
      }
    }
  }

  private List<Object> array(int depth) {
    pos++; // '['
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      list.add(value(depth + 1));
      skipWhitespace();
      char c = next("',' or ']' in header JSON array");
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        pos--;
        throw error("expected ',' or ']' in header JSON array, found " + describe(c));
      }
    }
  }

  private String string() {
    pos++; // opening quote
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = next("closing '\"' of a header JSON string");
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        pos--;
        throw error("unescaped control character " + describe(c) + " in header JSON string");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = next("escape sequence in header JSON string");
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> sb.append(unicodeEscape());
        default -> {
          pos--;
          throw error("invalid escape \\" + e + " in header JSON string");
        }
      }
    }
  }

  private char unicodeEscape() {
    if (pos + 4 > text.length()) {
      throw error("header JSON ends inside a \\u escape");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(text.charAt(pos + i), 16);
      if (d < 0) {
        throw error("invalid \\u escape in header JSON string");
      }
      v = v * 16 + d;
    }
    pos += 4;
    return (char) v;
  }

  private Object number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (!digits()) {
      throw error("invalid number in header JSON");
    }
    boolean integer = true;
    if (peek() == '.') {
      pos++;
      integer = false;
      if (!digits()) {
        throw error("invalid number in header JSON: no digits after '.'");
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      integer = false;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!digits()) {
        throw error("invalid number in header JSON: no digits in the exponent");
      }
    }
    String s = text.substring(start, pos);
    if (!integer) {
      return Double.parseDouble(s);
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      pos = start;
      throw error("integer " + s + " in header JSON is out of range", e);
    }
  }

  private boolean digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos > start;
  }

  private Object literal(String word, Object v) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected character " + describe(text.charAt(pos)) + " in header JSON");
    }
    pos += word.length();
    return v;
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private char next(String expected) {
    if (pos >= text.length()) {
      throw error("header JSON ends where " + expected + " was expected");
    }
    return text.charAt(pos++);
  }

  private void expect(char c) {
    char got = next("'" + c + "'");
    if (got != c) {
      pos--;
      throw error("expected '" + c + "' in header JSON, found " + describe(got));
    }
  }

  private static String describe(char c) {
    return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
  }

  private IllegalArgumentException error(String problem) {
    return error(problem, null);
  }

  private IllegalArgumentException error(String problem, Throwable cause) {
    return new IllegalArgumentException(
        source + ": " + problem + " (at character " + pos + " of the header)", cause);
  }

  // ---------------------------------------------------------------- writing

  /** Appends {@code s} as a JSON string literal. */
  static void appendString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
