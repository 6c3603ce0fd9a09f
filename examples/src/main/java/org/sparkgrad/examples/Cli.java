package org.sparkgrad.examples;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.MaxValuesExceededException;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The jobs' command lines, parsed by picocli: {@code --name value} (or {@code --name=value})
 * options and {@code --flag} switches, declared with {@code @Option} on a command object. Every
 * error becomes a {@link UsageException} whose one-line message names the option, and the checks
 * that picocli does not make (ranges, choices, lists) are here too, with the same messages.
 */
final class Cli {
  /** The width of the generated help. */
  private static final int HELP_WIDTH = 100;

  /** Picocli's message for {@code --switch=value} (it names neither in the exception). */
  private static final Pattern SWITCH_WITH_VALUE =
      Pattern.compile("option '(--[a-z-]+)' should be specified without '(.*)' parameter");

  private Cli() {}

  /**
   * Parses {@code args} into the {@code @Option} fields of {@code command}.
   *
   * @return false if {@code --help} was asked for: the generated help went to {@code out}
   * @throws UsageException for an unknown option, a missing or malformed value or a repeated option
   */
  static boolean parse(Object command, String[] args, PrintStream out) {
    CommandLine cl =
        new CommandLine(command)
            .setExpandAtFiles(false) // an argument starting with @ is a value, not a file to read
            .setUsageHelpWidth(HELP_WIDTH)
            .setUsageHelpLongOptionsMaxWidth(26);
    cl.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, Cli::optionSections);
    try {
      cl.parseArgs(args);
    } catch (ParameterException e) {
      throw new UsageException(message(e));
    }
    if (cl.isUsageHelpRequested()) {
      cl.setSeparator(" "); // the help shows --name VALUE; both that and --name=VALUE parse
      PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      cl.usage(w, CommandLine.Help.Ansi.OFF);
      w.flush();
      return false;
    }
    return true;
  }

  /**
   * The option list of the help: the command's own options, then one section per {@code @Mixin},
   * headed by the mixin's name.
   */
  private static String optionSections(Help help) {
    CommandSpec spec = help.commandSpec();
    Set<String> inMixins = new HashSet<>();
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, CommandSpec> mixin : spec.mixins().entrySet()) {
      List<OptionSpec> options = mixin.getValue().options();
      options.forEach(o -> inMixins.add(o.longestName()));
      text.append(mixin.getKey()).append(":\n").append(help.optionListExcludingGroups(options));
    }
    List<OptionSpec> own =
        spec.options().stream().filter(o -> !inMixins.contains(o.longestName())).toList();
    return help.optionListExcludingGroups(own) + text;
  }

  /** Picocli's error as the jobs' one-line message. */
  static String message(ParameterException e) {
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String arg = u.getUnmatched().get(0);
      if (arg.startsWith("-") && arg.length() > 1) {
        int eq = arg.indexOf('=');
        return "unknown option " + (eq > 0 ? arg.substring(0, eq) : arg) + " (see --help)";
      }
      return "unexpected argument '" + arg + "': options are --name value (see --help)";
    }
    if (e instanceof OverwrittenOptionException o) {
      return name(o.getOverwritten()) + " is given twice";
    }
    if (e instanceof MissingParameterException m && !m.getMissing().isEmpty()) {
      return name(m.getMissing().get(0)) + " needs a value";
    }
    Matcher valueOfSwitch = SWITCH_WITH_VALUE.matcher(e.getMessage());
    if (e instanceof MaxValuesExceededException && valueOfSwitch.matches()) {
      return valueOfSwitch.group(1) + " takes no value, got '" + valueOfSwitch.group(2) + "'";
    }
    ArgSpec spec = e.getArgSpec();
    if (spec != null && e.getValue() != null) {
      Class<?> type = spec.type();
      String got = ", got '" + e.getValue() + "'";
      if (type == int.class || type == long.class) {
        return name(spec) + " must be an integer" + got;
      }
      if (type == double.class) {
        return name(spec) + " must be a number" + got;
      }
    }
    return e.getMessage().lines().findFirst().orElse(e.toString());
  }

  private static String name(ArgSpec spec) {
    return spec instanceof OptionSpec o ? o.longestName() : spec.paramLabel();
  }

  /** {@code value}, which a required option must have. */
  static String required(String option, String value) {
    if (value == null) {
      throw new UsageException("--" + option + " is required (see --help)");
    }
    return value;
  }

  /** {@code value}, at least {@code min}. */
  static int atLeast(String option, int value, int min) {
    if (value < min) {
      throw new UsageException("--" + option + " must be >= " + min + ", got " + value);
    }
    return value;
  }

  /** {@code value}, in [{@code min}, {@code max}]. */
  static double inRange(String option, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new UsageException(
          "--" + option + " must be in [" + min + ", " + max + "], got " + value);
    }
    return value;
  }

  /** {@code value}, greater than zero and finite. */
  static double positive(String option, double value) {
    if (!(value > 0 && Double.isFinite(value))) {
      throw new UsageException("--" + option + " must be > 0, got " + value);
    }
    return value;
  }

  /** One of {@code choices} (compared case-insensitively, returned in lower case). */
  static String choice(String option, String value, List<String> choices) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!choices.contains(v)) {
      throw new UsageException(
          "--" + option + " must be one of " + String.join("|", choices) + ", got '" + v + "'");
    }
    return v;
  }

  /** A comma-separated list of positive integers; empty for an empty value. */
  static int[] positiveInts(String option, String value) {
    String raw = value.trim();
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
            "--" + option + " must be comma-separated positive integers, got '" + raw + "'");
      }
    }
    return out;
  }
}
