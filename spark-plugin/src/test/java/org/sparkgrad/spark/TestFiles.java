package org.sparkgrad.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Paths of the repository's files, found from the module directory that Maven runs tests in. */
final class TestFiles {
  private TestFiles() {}

  /** The repository root: the nearest directory above the working directory with {@code conf/}. */
  static Path repoRoot() {
    Path dir = Paths.get("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("conf/gpu-discovery.sh"))) {
        return d;
      }
    }
    throw new IllegalStateException("no conf/gpu-discovery.sh in " + dir + " or above");
  }

  static Path conf(String name) {
    return repoRoot().resolve("conf").resolve(name);
  }
}
