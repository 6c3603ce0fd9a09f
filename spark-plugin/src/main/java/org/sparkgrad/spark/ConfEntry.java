package org.sparkgrad.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One typed configuration key: its name, documentation, type, default and parser. Entries are
 * created only in {@link SparkgradConf}, once each; everything else (validation, the executor
 * hand-over, the documentation table) is derived from them.
 *
 * @param <T> the parsed value's type
 */
public final class ConfEntry<T> {
  private final String key;
  private final String doc;
  private final String type;
  private final T defaultValue;
  private final Function<String, T> parser;
  private final Function<T, String> renderer;
  private final boolean internal;

  private ConfEntry(
      String key,
      String doc,
      String type,
      T defaultValue,
      Function<String, T> parser,
      Function<T, String> renderer,
      boolean internal) {
    this.key = key;
    this.doc = doc;
    this.type = type;
    this.defaultValue = defaultValue;
    this.parser = parser;
    this.renderer = renderer;
    this.internal = internal;
  }

  /** An entry whose value is one of {@code type}'s constants, written in lower case. */
  static <E extends Enum<E>> ConfEntry<E> ofEnum(
      String key, Class<E> type, E defaultValue, String doc) {
    List<String> names =
        Arrays.stream(type.getEnumConstants()).map(ConfEntry::lower).collect(Collectors.toList());
    Function<String, E> parser =
        raw -> {
          for (E e : type.getEnumConstants()) {
            if (lower(e).equals(raw.toLowerCase(Locale.ROOT))) {
              return e;
            }
          }
          throw new IllegalArgumentException(
              "expected one of " + String.join(", ", names) + ", got '" + raw + "'");
        };
    return new ConfEntry<>(
        key, doc, String.join(" | ", names), defaultValue, parser, ConfEntry::lower, false);
  }

  /** An integer entry that must be at least {@code min}. */
  static ConfEntry<Integer> ofInt(String key, int defaultValue, int min, String doc) {
    Function<String, Integer> parser =
        raw -> {
          int value;
          try {
            value = Integer.parseInt(raw);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected an integer, got '" + raw + "'", e);
          }
          if (value < min) {
            throw new IllegalArgumentException("must be >= " + min + ", got " + value);
          }
          return value;
        };
    return new ConfEntry<>(
        key, doc, "int (>= " + min + ")", defaultValue, parser, String::valueOf, false);
  }

  /** A boolean entry: {@code true} or {@code false}, as Spark's own boolean keys. */
  static ConfEntry<Boolean> ofBoolean(String key, boolean defaultValue, String doc) {
    Function<String, Boolean> parser =
        raw -> {
          return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new IllegalArgumentException("expected true or false, got '" + raw + "'");
          };
        };
    return new ConfEntry<>(key, doc, "boolean", defaultValue, parser, String::valueOf, false);
  }

  /** A free-form string entry; {@code ""} as the default means "derived", as its doc says. */
  static ConfEntry<String> ofString(String key, String defaultValue, String doc) {
    return new ConfEntry<>(key, doc, "string", defaultValue, String::trim, v -> v, false);
  }

  /**
   * A comma-separated list, passed from the driver plugin to the executor plugins only; not a user
   * setting and not in the documentation table.
   */
  static ConfEntry<List<String>> internalList(String key, String doc) {
    Function<String, List<String>> parser =
        raw -> {
          List<String> items = new ArrayList<>();
          for (String s : raw.split(",", -1)) {
            if (!s.trim().isEmpty()) {
              items.add(s.trim());
            }
          }
          return List.copyOf(items);
        };
    return new ConfEntry<>(key, doc, "list", List.of(), parser, v -> String.join(",", v), true);
  }

  /** An internal boolean passed from the driver plugin to the executor plugins. */
  static ConfEntry<Boolean> internalBoolean(String key, String doc) {
    ConfEntry<Boolean> b = ofBoolean(key, false, doc);
    return new ConfEntry<>(key, doc, b.type, false, b.parser, b.renderer, true);
  }

  /** The full key, such as {@code spark.sparkgrad.device}. */
  public String key() {
    return key;
  }

  /** What the key does, in one or two sentences. */
  public String doc() {
    return doc;
  }

  /** The accepted values, for the documentation table. */
  public String type() {
    return type;
  }

  /** The value used when the key is not set. */
  public T defaultValue() {
    return defaultValue;
  }

  /** The default as it would be written in {@code spark-defaults.conf}. */
  public String defaultString() {
    return renderer.apply(defaultValue);
  }

  /** True for keys that the plugin sets for itself; they are not documented for users. */
  public boolean isInternal() {
    return internal;
  }

  /** Writes {@code value} as a configuration string that {@link #parse} reads back. */
  public String render(T value) {
    return renderer.apply(value);
  }

  /**
   * Parses a configuration string.
   *
   * @throws IllegalArgumentException naming the key, what it accepts and what it got
   */
  public T parse(String raw) {
    try {
      return parser.apply(raw.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  /** This key's value in {@code settings}, or the default when it is absent. */
  public T get(Map<String, String> settings) {
    String raw = settings.get(key);
    return raw == null ? defaultValue : parse(raw);
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return key + "=" + defaultString();
  }
}
