package org.sparkgrad.io;

import java.util.Map;
import org.sparkgrad.util.StrictJson;

/**
 * Reads the JSON header of a safetensors file with Jackson, strictly configured ({@link
 * StrictJson}), limited to the three levels a header has: the top-level object, a tensor entry or
 * the metadata object, and a shape or offsets array. What the values must be is checked by {@link
 * SafeTensorsLayout}.
 */
final class SafeTensorsHeader {
  /** The top-level object, a tensor entry or the metadata object, and a shape or offsets array. */
  static final int MAX_DEPTH = StrictJson.HEADER_DEPTH;

  private SafeTensorsHeader() {}

  /**
   * Parses the header bytes (UTF-8 JSON, optionally followed by whitespace padding) into the
   * top-level object: a {@code LinkedHashMap} in file order whose values are maps, lists, strings,
   * booleans, {@code Long}s, {@code Double}s or {@code null}. Integers beyond a long's range are a
   * JSON error here.
   *
   * @throws IllegalArgumentException naming {@code source} and the problem
   */
  static Map<String, Object> parse(byte[] header, String source) {
    if (header.length == 0 || header[0] != '{') {
      throw new IllegalArgumentException(
          source + ": safetensors header must start with '{' (bad JSON or not a safetensors file)");
    }
    try {
      return StrictJson.asObject(StrictJson.parse(header, MAX_DEPTH), source);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          source + ": safetensors header is not valid: " + e.getMessage(), e);
    }
  }
}
