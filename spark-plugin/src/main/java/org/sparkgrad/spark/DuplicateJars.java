package org.sparkgrad.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds more than one copy of Sparkgrad on a class path: two plugin jars, or a fat jar next to the
 * thin ones, of possibly different versions. Which copy of a class wins then depends on the
 * class-path order, and the driver and the executors can disagree; the driver plugin fails fast
 * instead.
 */
final class DuplicateJars {
  /** One class file from each Sparkgrad jar that a Spark application carries. */
  static final List<String> MARKERS =
      List.of("org/sparkgrad/spark/SparkgradPlugin.class", "org/sparkgrad/tensor/Tensor.class");

  private DuplicateJars() {}

  /** Where {@code loader} finds each marker class. */
  static Map<String, List<URL>> locate(ClassLoader loader) {
    Map<String, List<URL>> found = new LinkedHashMap<>();
    for (String marker : MARKERS) {
      try {
        found.put(marker, Collections.list(loader.getResources(marker)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + marker + " on the class path", e);
      }
    }
    return found;
  }

  /**
   * The error message when a marker comes from more than one place, naming each place; empty when
   * every marker is found once. The same jar reached through two class loaders counts once.
   */
  static Optional<String> problem(Map<String, List<URL>> locations) {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, List<URL>> e : locations.entrySet()) {
      Set<String> origins = new LinkedHashSet<>();
      for (URL url : e.getValue()) {
        origins.add(origin(url, e.getKey()));
      }
      if (origins.size() > 1) {
        lines.add(e.getKey() + " is in " + String.join(" and ", origins));
      }
    }
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "Sparkgrad is on the class path more than once ("
            + String.join("; ", lines)
            + "); keep one copy: either the single cluster jar or the separate module jars, of "
            + "one version, in --jars / spark.jars and the application jar");
  }

  /** The jar or directory that a resource URL points into, as a file path where it is one. */
  static String origin(URL url, String resource) {
    String s = url.toString();
    int bang = s.indexOf("!/");
    if (s.startsWith("jar:") && bang > 0) {
      s = s.substring("jar:".length(), bang);
    } else if (s.endsWith(resource)) {
      s = s.substring(0, s.length() - resource.length());
    }
    if (s.startsWith("file:")) {
      try {
        return Paths.get(URI.create(s)).toString();
      } catch (IllegalArgumentException | FileSystemNotFoundException e) {
        return s;
      }
    }
    return s;
  }
}
