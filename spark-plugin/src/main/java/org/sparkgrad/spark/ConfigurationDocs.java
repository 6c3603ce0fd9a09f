package org.sparkgrad.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Renders the configuration table of {@code docs/CONFIGURATION.md} from {@link SparkgradConf}'s
 * declarations, so the documentation cannot drift from the code.
 *
 * <p>Run {@code java org.sparkgrad.spark.ConfigurationDocs docs/CONFIGURATION.md} (the {@code
 * ConfigurationDocsTest} failure message says so) to rewrite the part between {@link #BEGIN} and
 * {@link #END}; the text around it is kept.
 */
public final class ConfigurationDocs {
  /** The line after which the generated table starts. */
  public static final String BEGIN = "<!-- BEGIN GENERATED FROM SparkgradConf: do not edit -->";

  /** The line before which the generated table ends. */
  public static final String END = "<!-- END GENERATED FROM SparkgradConf -->";

  private ConfigurationDocs() {}

  /** The Markdown table of every user-facing key, in declaration order. */
  public static String table() {
    StringBuilder sb = new StringBuilder();
    sb.append("| Key | Default | Accepts | Meaning |\n");
    sb.append("| --- | --- | --- | --- |\n");
    for (ConfEntry<?> e : SparkgradConf.entries()) {
      if (e.isInternal()) {
        continue;
      }
      sb.append("| `")
          .append(e.key())
          .append("` | `")
          .append(e.defaultString())
          .append("` | ")
          .append(cell(e.type()))
          .append(" | ")
          .append(cell(e.doc()))
          .append(" |\n");
    }
    return sb.toString();
  }

  /** The generated section of a document: the text strictly between the two marker lines. */
  public static String generatedSection(String document, String source) {
    int begin = document.indexOf(BEGIN);
    int end = document.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          source + " must contain the lines '" + BEGIN + "' and then '" + END + "'");
    }
    return document.substring(begin + BEGIN.length() + 1, end);
  }

  /** {@code document} with its generated section replaced by the current {@link #table()}. */
  public static String regenerate(String document, String source) {
    String old = generatedSection(document, source);
    int start = document.indexOf(BEGIN) + BEGIN.length() + 1;
    return document.substring(0, start) + table() + document.substring(start + old.length());
  }

  /**
   * Rewrites the generated section of the file named by {@code args[0]}.
   *
   * @param args one argument: the path of {@code CONFIGURATION.md}
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException(
          "usage: ConfigurationDocs <path of docs/CONFIGURATION.md>, got " + args.length + " args");
    }
    Path path = Paths.get(args[0]);
    String document = Files.readString(path, StandardCharsets.UTF_8);
    Files.writeString(path, regenerate(document, path.toString()), StandardCharsets.UTF_8);
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
