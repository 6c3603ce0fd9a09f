package org.sparkgrad.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Jackson configuration every Sparkgrad JSON file goes through. */
class StrictJsonTest {
  record Point(int x, double y, String name) {}

  @Test
  void untypedValuesAreLongsDoublesAndOrderedMaps() {
    Map<String, Object> o = StrictJson.parseObject("{\"b\": 1, \"a\": [2.5, true, null, \"s\"]}");
    assertThat(o.keySet()).containsExactly("b", "a");
    assertThat(o.get("b")).isEqualTo(1L);
    assertThat(StrictJson.asList(o.get("a"), "a")).containsExactly(2.5, true, null, "s");
  }

  @Test
  void refusesWhatRfc8259Refuses() {
    assertThatThrownBy(() -> StrictJson.parse("{\"a\":1,\"a\":2}"))
        .hasMessage("invalid JSON at position 10: Duplicate field 'a'");
    assertThatThrownBy(() -> StrictJson.parse("{} {}"))
        .hasMessageStartingWith("invalid JSON at position 3: Trailing token");
    assertThatThrownBy(() -> StrictJson.parse("[NaN]"))
        .hasMessageStartingWith("invalid JSON at position 4: Non-standard token 'NaN'");
    assertThatThrownBy(() -> StrictJson.parse("[01]"))
        .hasMessageContaining("Leading zeroes not allowed");
    assertThatThrownBy(() -> StrictJson.parse("[99999999999999999999]"))
        .hasMessageContaining("out of range of long");
    assertThatThrownBy(() -> StrictJson.parseObject("[1]"))
        .hasMessage(
            "invalid JSON at position 0: expected an object at the top level, got an array");
  }

  @Test
  void nestingIsLimitedBeforeTheTreeIsBuilt() {
    byte[] three = "{\"a\":{\"b\":[1]}}".getBytes(StandardCharsets.UTF_8);
    assertThat(StrictJson.parse(three, 3)).isEqualTo(Map.of("a", Map.of("b", List.of(1L))));
    byte[] deep = ("[" + "[".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> StrictJson.parse(deep, 3))
        .hasMessageContaining("nesting depth (4) exceeds the maximum allowed (3");
    assertThatThrownBy(() -> StrictJson.parse(three, 0))
        .hasMessage("maxDepth must be in [1, 512], got 0");
  }

  @Test
  void recordsRoundTripAndUnknownKeysAreRefused() {
    Point p = new Point(3, 0.1 + 0.2, "é\"");
    String json = StrictJson.write(p);
    assertThat(json).isEqualTo("{\"x\":3,\"y\":0.30000000000000004,\"name\":\"é\\\"\"}");
    assertThat(StrictJson.read(json.getBytes(StandardCharsets.UTF_8), Point.class, "p.json"))
        .isEqualTo(p);
    assertThatThrownBy(
            () ->
                StrictJson.read(
                    "{\"x\":1,\"y\":2,\"name\":\"n\",\"z\":0}".getBytes(StandardCharsets.UTF_8),
                    Point.class,
                    "p.json"))
        .hasMessageStartingWith("p.json: invalid JSON at position")
        .hasMessageContaining("Unrecognized field \"z\"");
    assertThatThrownBy(
            () ->
                StrictJson.read(
                    "{\"x\":1.5,\"y\":2,\"name\":\"n\"}".getBytes(StandardCharsets.UTF_8),
                    Point.class,
                    "p.json"))
        .hasMessageContaining("Cannot coerce Floating-point value (1.5) to `int`");
  }

  @Test
  void nanIsWrittenAsAStringThatReadsBack() {
    String json = StrictJson.write(new Point(1, Double.NaN, null));
    assertThat(json).isEqualTo("{\"x\":1,\"y\":\"NaN\",\"name\":null}");
    assertThat(StrictJson.read(json.getBytes(StandardCharsets.UTF_8), Point.class, "p").y())
        .isNaN();
  }

  @Test
  void errorsNameWhatWasExpected() {
    assertThatThrownBy(() -> StrictJson.asObject(List.of(), "network layer 2"))
        .hasMessage("network layer 2: expected a JSON object, got an array");
    assertThatThrownBy(() -> StrictJson.asList("x", "input_shape"))
        .hasMessage("input_shape: expected a JSON array, got a string");
    assertThat(StrictJson.quote("a\"b")).isEqualTo("\"a\\\"b\"");
  }
}
