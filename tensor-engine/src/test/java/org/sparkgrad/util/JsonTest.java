package org.sparkgrad.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkgrad.util.Json.JsonException;

class JsonTest {

  @Test
  void aSmallerMaximumDepthIsEnforcedOnBytes() {
    byte[] three = "{\"a\":{\"b\":[1]}}".getBytes(StandardCharsets.UTF_8);
    assertThat(Json.parse(three, 3)).isEqualTo(Map.of("a", Map.of("b", List.of(1L))));
    assertThatThrownBy(() -> Json.parse(three, 2))
        .isInstanceOf(JsonException.class)
        .hasMessage("invalid JSON at position 10: arrays and objects nested deeper than 2");
    assertThatThrownBy(() -> Json.parse(three, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxDepth must be in [1, 512], got 0");
  }

  @Test
  void parsesADocumentKeepingKeyOrderAndTypes() {
    Map<String, Object> doc =
        Json.parseObject(
            " {\"zeta\": 1, \"alpha\": [true, false, null, \"s\", 2.5, {}], \"mid\": {\"k\": []}}\n");
    assertThat(doc).isInstanceOf(LinkedHashMap.class);
    assertThat(doc.keySet()).containsExactly("zeta", "alpha", "mid");
    assertThat(doc.get("zeta")).isEqualTo(1L);
    assertThat(Json.asList(doc.get("alpha"), "alpha"))
        .containsExactly(true, false, null, "s", 2.5, Map.of());
    assertThat(Json.asObject(doc.get("mid"), "mid")).containsExactly(Map.entry("k", List.of()));
  }

  @Test
  void parsesTopLevelScalars() {
    assertThat(Json.parse("\"x\"")).isEqualTo("x");
    assertThat(Json.parse(" 42 ")).isEqualTo(42L);
    assertThat(Json.parse("null")).isNull();
    assertThat(Json.parse("\ttrue\r\n")).isEqualTo(true);
  }

  @Test
  void decodesEveryEscape() {
    assertThat(Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\""))
        .isEqualTo("q\" b\\ s/ \b\f\n\r\t");
    assertThat(Json.parse("\"\\u00e9\\u20AC\\u0000\"")).isEqualTo("\u00e9\u20ac\u0000");
    // U+1F600 as a surrogate pair, escaped and raw.
    assertThat(Json.parse("\"\\uD83D\\uDE00\"")).isEqualTo("\uD83D\uDE00");
    assertThat(Json.parse("\"\uD83D\uDE00 \u00e9\"")).isEqualTo("\uD83D\uDE00 \u00e9");
    assertThat(((String) Json.parse("\"\\uD83D\\uDE00\"")).codePointAt(0)).isEqualTo(0x1F600);
  }

  @Test
  void parsesNumbers() {
    assertThat(Json.parse("0")).isEqualTo(0L);
    assertThat(Json.parse("-0")).isEqualTo(0L);
    assertThat(Json.parse("-45")).isEqualTo(-45L);
    assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(Json.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(Json.parse("9223372036854775808")).isEqualTo(0x1p63);
    assertThat(Json.parse("1.5")).isEqualTo(1.5);
    assertThat(Json.parse("-0.25")).isEqualTo(-0.25);
    assertThat(Json.parse("-0.0")).isEqualTo(-0.0);
    assertThat(Json.parse("1e3")).isEqualTo(1000.0);
    assertThat(Json.parse("1E+3")).isEqualTo(1000.0);
    assertThat(Json.parse("2.5e-3")).isEqualTo(0.0025);
    assertThat(Json.parse("1.7976931348623157e308")).isEqualTo(Double.MAX_VALUE);
    assertThat(Json.parse("4.9e-324")).isEqualTo(Double.MIN_VALUE);
    assertThat(Json.parse("0.1")).isEqualTo(0.1);
  }

  @ParameterizedTest(name = "{0} fails at {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "``|0|end of input, expected a value",
        "`   `|3|end of input, expected a value",
        "{|1|expected a string key or '}'",
        "[1,]|3|character ']', expected a value",
        "{\"a\":1,}|7|expected a string key",
        "{\"a\" 1}|5|expected ':'",
        "{a:1}|1|character 'a', expected a string key",
        "[1 2]|3|expected ',' or ']'",
        "{\"a\":1 \"b\":2}|7|expected ',' or '}'",
        "[1,2|4|end of input",
        "01|1|leading zeros",
        "-|1|expected a digit after '-'",
        "-a|1|character 'a', expected a digit after '-'",
        "1.|2|expected a digit after the decimal point",
        "1.e5|2|expected a digit after the decimal point",
        "1e|2|expected a digit after the exponent marker",
        "1e+|3|expected a digit after the exponent marker",
        ".5|0|character '.', expected a value",
        "+1|0|character '+'",
        "NaN|0|character 'N'",
        "tru|0|did you mean true?",
        "nulL|0|did you mean null?",
        "'a'|0|character '''",
        "// c|0|character '/'",
        "\"abc|4|unterminated string that starts at position 0",
        "[\"a\\|4|unterminated escape",
        "\"\\x\"|2|invalid escape sequence '\\x'",
        "\"\\u12G4\"|5|character 'G', expected 4 hex digits",
        "\"\\u12|5|end of input, expected 4 hex digits",
        "\"\\uDE00\"|1|unpaired low surrogate escape \\uDE00",
        "\"\\uD83D\"|1|not followed by a low surrogate",
        "\"\\uD83D\\u0041\"|1|followed by \\u0041",
        "1e999|0|beyond the range of a double",
        "[-1e400]|1|beyond the range of a double",
        "[1] x|4|character 'x' after the top-level value",
        "{\"a\":1,\"a\":2}|7|duplicate key \"a\"",
        "[1,,2]|3|character ',', expected a value",
      })
  void malformedInputFailsWithPosition(String text, int position, String message) {
    JsonException e = catchThrowableOfType(JsonException.class, () -> Json.parse(text));
    assertThat(e).as("parsing <%s> should fail", text).isNotNull();
    assertThat(e.position()).as(e.getMessage()).isEqualTo(position);
    assertThat(e).hasMessageContaining("at position " + position).hasMessageContaining(message);
    assertThat(e).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void controlCharactersAndUnpairedSurrogatesInStringsFail() {
    assertThat(catchThrowableOfType(JsonException.class, () -> Json.parse("\"a\nb\"")))
        .hasMessageContaining("unescaped control character '\\u000A'")
        .extracting(JsonException::position)
        .isEqualTo(2);
    assertThat(catchThrowableOfType(JsonException.class, () -> Json.parse("\"a\uD800b\"")))
        .hasMessageContaining("unpaired surrogate")
        .extracting(JsonException::position)
        .isEqualTo(2);
  }

  @Test
  void nestingIsLimitedWithoutOverflowingTheStack() {
    String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    Object v = Json.parse(ok);
    for (int i = 0; i < Json.MAX_DEPTH - 1; i++) {
      v = ((List<?>) v).get(0);
    }
    assertThat(v).isEqualTo(List.of());

    String tooDeep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    assertThat(catchThrowableOfType(JsonException.class, () -> Json.parse(tooDeep)))
        .hasMessageContaining("nested deeper than 512")
        .extracting(JsonException::position)
        .isEqualTo(Json.MAX_DEPTH);

    // Hostile input: a million openings, objects and arrays interleaved.
    String hostile = "{\"a\":[".repeat(500_000);
    assertThat(catchThrowableOfType(JsonException.class, () -> Json.parse(hostile)))
        .hasMessageContaining("nested deeper than 512")
        .extracting(JsonException::position)
        .isEqualTo(6 * 256);
  }

  @Test
  void parsesUtf8BytesAndReportsMalformedBytes() {
    byte[] good = "{\"caf\u00e9\": \"\u20ac\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(Json.parse(good)).isEqualTo(Map.of("caf\u00e9", "\u20ac"));
    byte[] bad = {'[', '"', 'a', (byte) 0xC3, '"', ']'};
    assertThat(catchThrowableOfType(JsonException.class, () -> Json.parse(bad)))
        .hasMessageContaining("malformed UTF-8")
        .extracting(JsonException::position)
        .isEqualTo(3);
  }

  @Test
  void parseObjectRejectsOtherTopLevelValues() {
    assertThatThrownBy(() -> Json.parseObject("[1]"))
        .isInstanceOf(JsonException.class)
        .hasMessageContaining("expected a JSON object at the top level, got an array");
    assertThatThrownBy(() -> Json.asList("x", "shape"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shape: expected a JSON array, got a string");
  }

  @Test
  void writesCompactJsonWithEscapes() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("b", List.of(1L, -2.5, true, false));
    doc.put("a", null);
    doc.put("s", "q\" \\ / \b\f\n\r\t \u0001 \u00e9 \uD83D\uDE00");
    assertThat(Json.write(doc))
        .isEqualTo(
            "{\"b\":[1,-2.5,true,false],\"a\":null,"
                + "\"s\":\"q\\\" \\\\ / \\b\\f\\n\\r\\t \\u0001 \u00e9 \uD83D\uDE00\"}");
  }

  @Test
  void writesNumbersAndPrimitiveArrays() {
    assertThat(Json.write(List.of(1, (short) 2, 3L, 1.0, 1e-5, 0.1f, 1e300)))
        .isEqualTo("[1,2,3,1.0,1.0E-5,0.1,1.0E300]");
    assertThat(Json.write(new float[] {0.1f, -3f})).isEqualTo("[0.1,-3.0]");
    assertThat(Json.write(new double[] {})).isEqualTo("[]");
    assertThat(Json.write(new int[] {4, 5})).isEqualTo("[4,5]");
    assertThat(Json.write(new long[] {Long.MIN_VALUE})).isEqualTo("[-9223372036854775808]");
    // The float's shortest decimal reads back as the same float.
    assertThat((float) (double) (Double) Json.parse(Json.write(0.1f))).isEqualTo(0.1f);
  }

  @Test
  void roundTripsWhatItParses() {
    String text =
        "{\"name\":\"t\\u00e9st \\\"q\\\"\",\"shape\":[2,3],\"values\":[0.1,-2.5E-7,1.0E10],"
            + "\"nested\":{\"x\":[[],{}],\"y\":null,\"z\":false},\"big\":-9223372036854775808}";
    Object parsed = Json.parse(text);
    assertThat(Json.parse(Json.write(parsed))).isEqualTo(parsed);
    assertThat(Json.write(parsed))
        .isEqualTo(
            "{\"name\":\"t\u00e9st \\\"q\\\"\",\"shape\":[2,3],\"values\":[0.1,-2.5E-7,1.0E10],"
                + "\"nested\":{\"x\":[[],{}],\"y\":null,\"z\":false},\"big\":-9223372036854775808}");
  }

  @Test
  void writingRefusesWhatJsonCannotHold() {
    assertThatThrownBy(() -> Json.write(List.of(1.0, Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("JSON cannot hold the number NaN at $[1]");
    assertThatThrownBy(() -> Json.write(Map.of("w", new float[] {Float.POSITIVE_INFINITY})))
        .hasMessage("JSON cannot hold the number Infinity at $[\"w\"][0]");
    Map<Object, Object> intKey = new HashMap<>();
    intKey.put(1, "x");
    assertThatThrownBy(() -> Json.write(Map.of("m", intKey)))
        .hasMessage("JSON object keys must be strings, got a number at $[\"m\"]");
    assertThatThrownBy(() -> Json.write(List.of("ok", "bad\uD800")))
        .hasMessage("JSON cannot hold a string with an unpaired surrogate (index 3) at $[1]");
    assertThatThrownBy(() -> Json.write(List.of(new Object())))
        .hasMessage("JSON cannot hold a java.lang.Object at $[0]");
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    assertThatThrownBy(() -> Json.write(cycle))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper than 512 (a cycle?)");
  }

  @Test
  void quoteEscapesUnpairedSurrogatesForMessages() {
    assertThat(Json.quote("a\uDC00\"")).isEqualTo("\"a\\uDC00\\\"\"");
    assertThat(Arrays.asList(Json.quote("x\ty"))).containsExactly("\"x\\ty\"");
  }
}
