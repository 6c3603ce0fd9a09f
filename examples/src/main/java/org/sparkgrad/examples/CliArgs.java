package org.sparkgrad.examples;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A parsed command line of {@code --name value} options and {@code --flag} switches (also {@code
 * --name=value}). Every name must be one the job declares; values are typed on access, and every
 * error is a {@link UsageException} naming the option.
 */
final class CliArgs {
  private final Map<String, String> values;
  private final Set<String> flagsSet;

  private CliArgs(Map<String, String> values, Set<String> flagsSet) {
    this.values = values;
    this.flagsSet = flagsSet;
  }

  /**
   * Parses {@code args}.
   *
   * @param options the names (without {@code --}) that take a value
   * @param flags the names that take none
   * @throws UsageException for an unknown option, a missing value or a repeated option
   */
  static CliArgs parse(String[] args, Set<String> options, Set<String> flags) {
    Map<String, String> values = new LinkedHashMap<>();
    Set<String> seenFlags = new HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new UsageException(
            "unexpected argument '" + arg + "': options are --name value (see --help)");
      }
      String name = arg.substring(2);
      String inline = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (flags.contains(name)) {
        if (inline != null) {
          throw new UsageException("--" + name + " takes no value, got '" + inline + "'");
        }
        seenFlags.add(name);
      } else if (options.contains(name)) {
        String value = inline;
        if (value == null) {
          if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw new UsageException("--" + name + " needs a value");
          }
          value = args[++i];
        }
        if (values.put(name, value) != null) {
          throw new UsageException("--" + name + " is given twice");
        }
      } else {
        throw new UsageException("unknown option --" + name + " (see --help)");
      }
    }
    return new CliArgs(values, seenFlags);
  }

  /** Whether the switch {@code name} was given. */
  boolean flag(String name) {
    return flagsSet.contains(name);
  }

  /** Whether the option {@code name} was given. */
  boolean has(String name) {
    return values.containsKey(name);
  }

  /** The value of {@code name}, or {@code dflt}. */
  String string(String name, String dflt) {
    return values.getOrDefault(name, dflt);
  }

  /** The value of a required option. */
  String required(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new UsageException("--" + name + " is required (see --help)");
    }
    return v;
  }

  /** An integer value, at least {@code min}. */
  int integer(String name, int dflt, int min) {
    if (!has(name)) {
      return dflt;
    }
    int v;
    try {
      v = Integer.parseInt(values.get(name).trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be an integer, got '" + values.get(name) + "'");
    }
    if (v < min) {
      throw new UsageException("--" + name + " must be >= " + min + ", got " + v);
    }
    return v;
  }

  /** A long value. */
  long longValue(String name, long dflt) {
    if (!has(name)) {
      return dflt;
    }
    try {
      return Long.parseLong(values.get(name).trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be an integer, got '" + values.get(name) + "'");
    }
  }

  /** A number in [{@code min}, {@code max}]. */
  double number(String name, double dflt, double min, double max) {
    if (!has(name)) {
      return dflt;
    }
    double v;
    try {
      v = Double.parseDouble(values.get(name).trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number, got '" + values.get(name) + "'");
    }
    if (!(v >= min && v <= max)) {
      throw new UsageException(
          "--" + name + " must be in [" + min + ", " + max + "], got " + values.get(name));
    }
    return v;
  }

  /** One of {@code choices} (compared case-insensitively, returned in lower case). */
  String choice(String name, String dflt, List<String> choices) {
    if (!has(name)) {
      return dflt;
    }
    String v = values.get(name).trim().toLowerCase(Locale.ROOT);
    if (!choices.contains(v)) {
      throw new UsageException(
          "--" + name + " must be one of " + String.join("|", choices) + ", got '" + v + "'");
    }
    return v;
  }

  /** A comma-separated list of positive integers; empty for an empty value. */
  int[] positiveInts(String name, int[] dflt) {
    if (!has(name)) {
      return dflt.clone();
    }
    String raw = values.get(name).trim();
    if (raw.isEmpty()) {
      return new int[0];
    }
    String[] parts = raw.split(",", -1);
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        out[i] = -1;
      }
      if (out[i] <= 0) {
        throw new UsageException(
            "--" + name + " must be comma-separated positive integers, got '" + raw + "'");
      }
    }
    return out;
  }
}
