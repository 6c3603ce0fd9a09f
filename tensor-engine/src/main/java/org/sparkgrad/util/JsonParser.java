package org.sparkgrad.util;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparkgrad.util.Json.JsonException;

/**
 * A recursive-descent parser for exactly the RFC 8259 grammar. Recursion is bounded by a maximum
 * depth (at most {@link Json#MAX_DEPTH}), so the stack depth is too, whatever the input.
 */
final class JsonParser {
  private final String s;
  private final int maxDepth;
  private int pos;

  JsonParser(String s, int maxDepth) {
    this.s = s;
    this.maxDepth = maxDepth;
  }

  Object parseDocument() {
    skipWhitespace();
    Object v = parseValue(0);
    skipWhitespace();
    if (pos < s.length()) {
      throw fail("unexpected " + describe(pos) + " after the top-level value");
    }
    return v;
  }

  private Object parseValue(int depth) {
    if (pos >= s.length()) {
      throw fail("unexpected end of input, expected a value");
    }
    char c = s.charAt(pos);
    return switch (c) {
      case '{' -> parseObject(depth + 1);
      case '[' -> parseArray(depth + 1);
      case '"' -> parseString();
      case 't' -> literal("true", true);
      case 'f' -> literal("false", false);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || isDigit(c)) {
          yield parseNumber();
        }
        throw fail("unexpected " + describe(pos) + ", expected a value");
      }
    };
  }

  private Map<String, Object> parseObject(int depth) {
    checkDepth(depth);
    pos++; // '{'
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      if (peek() != '"') {
        throw fail(
            "unexpected "
                + describe(pos)
                + (map.isEmpty() ? ", expected a string key or '}'" : ", expected a string key"));
      }
      int keyStart = pos;
      String key = parseString();
      if (map.containsKey(key)) {
        throw new JsonException("duplicate key " + Json.quote(key) + " in object", keyStart);
      }
      skipWhitespace();
      if (peek() != ':') {
        throw fail("unexpected " + describe(pos) + ", expected ':' after an object key");
      }
      pos++;
      skipWhitespace();
      map.put(key, parseValue(depth));
      skipWhitespace();
      int c = peek();
      pos++;
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        pos--;
        throw fail("unexpected " + describe(pos) + ", expected ',' or '}' in an object");
      }
      skipWhitespace();
    }
  }

  private List<Object> parseArray(int depth) {
    checkDepth(depth);
    pos++; // '['
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      list.add(parseValue(depth));
      skipWhitespace();
      int c = peek();
      pos++;
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        pos--;
        throw fail("unexpected " + describe(pos) + ", expected ',' or ']' in an array");
      }
      skipWhitespace();
    }
  }

  private void checkDepth(int depth) {
    if (depth > maxDepth) {
      throw fail("arrays and objects nested deeper than " + maxDepth);
    }
  }

  private String parseString() {
    int start = pos;
    pos++; // opening quote
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw fail("unterminated string that starts at position " + start);
      }
      char c = s.charAt(pos);
      if (c == '"') {
        pos++;
        return sb.toString();
      }
      if (c == '\\') {
        parseEscape(sb);
      } else if (c < 0x20) {
        throw fail("unescaped control " + describe(pos) + " in a string");
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c)
            || pos + 1 >= s.length()
            || !Character.isLowSurrogate(s.charAt(pos + 1))) {
          throw fail("unpaired surrogate " + describe(pos) + " in a string");
        }
        sb.append(c).append(s.charAt(pos + 1));
        pos += 2;
      } else {
        sb.append(c);
        pos++;
      }
    }
  }

  private void parseEscape(StringBuilder sb) {
    int escapeStart = pos;
    pos++; // backslash
    if (pos >= s.length()) {
      throw fail("unterminated escape sequence");
    }
    char e = s.charAt(pos++);
    switch (e) {
      case '"' -> sb.append('"');
      case '\\' -> sb.append('\\');
      case '/' -> sb.append('/');
      case 'b' -> sb.append('\b');
      case 'f' -> sb.append('\f');
      case 'n' -> sb.append('\n');
      case 'r' -> sb.append('\r');
      case 't' -> sb.append('\t');
      case 'u' -> {
        char c = hex4();
        if (Character.isLowSurrogate(c)) {
          throw new JsonException(
              "unpaired low surrogate escape \\u" + hex(c) + " in a string", escapeStart);
        }
        if (Character.isHighSurrogate(c)) {
          if (!s.startsWith("\\u", pos)) {
            throw new JsonException(
                "high surrogate escape \\u" + hex(c) + " not followed by a low surrogate escape",
                escapeStart);
          }
          pos += 2;
          char low = hex4();
          if (!Character.isLowSurrogate(low)) {
            throw new JsonException(
                "high surrogate escape \\u" + hex(c) + " followed by \\u" + hex(low), escapeStart);
          }
          sb.append(c).append(low);
        } else {
          sb.append(c);
        }
      }
      default -> {
        pos--;
        throw fail("invalid escape sequence '\\" + printable(e) + "' in a string");
      }
    }
  }

  private char hex4() {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = pos < s.length() ? Character.digit(s.charAt(pos), 16) : -1;
      if (d < 0) {
        throw fail(
            (pos < s.length() ? "unexpected " + describe(pos) : "unexpected end of input")
                + ", expected 4 hex digits after \\u");
      }
      v = v * 16 + d;
      pos++;
    }
    return (char) v;
  }

  private Object parseNumber() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
      if (isDigit(peek())) {
        throw fail("leading zeros are not allowed in numbers");
      }
    } else {
      digits("'-'");
    }
    boolean integral = true;
    if (peek() == '.') {
      pos++;
      digits("the decimal point");
      integral = false;
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      digits("the exponent marker");
      integral = false;
    }
    String text = s.substring(start, pos);
    if (integral) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException tooLong) {
        // Beyond the range of a long: fall through to a double.
      }
    }
    double d = Double.parseDouble(text);
    if (Double.isInfinite(d)) {
      throw new JsonException(
          "number " + abbreviate(text) + " is beyond the range of a double", start);
    }
    return d;
  }

  private void digits(String after) {
    if (!isDigit(peek())) {
      throw fail(
          (pos < s.length() ? "unexpected " + describe(pos) : "unexpected end of input")
              + ", expected a digit after "
              + after);
    }
    while (isDigit(peek())) {
      pos++;
    }
  }

  private Object literal(String word, Object value) {
    if (!s.startsWith(word, pos)) {
      throw fail("unexpected " + describe(pos) + ", expected a value (did you mean " + word + "?)");
    }
    pos += word.length();
    return value;
  }

  private void skipWhitespace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  /** The character at the position, or -1 at the end. */
  private int peek() {
    return pos < s.length() ? s.charAt(pos) : -1;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private JsonException fail(String message) {
    return new JsonException(message, pos);
  }

  private String describe(int at) {
    if (at >= s.length()) {
      return "end of input";
    }
    return "character '" + printable(s.charAt(at)) + "'";
  }

  private static String printable(char c) {
    return c < 0x20 || c > 0x7e ? "\\u" + hex(c) : String.valueOf(c);
  }

  private static String hex(char c) {
    return String.format(Locale.ROOT, "%04X", (int) c);
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 37) + "...";
  }
}
