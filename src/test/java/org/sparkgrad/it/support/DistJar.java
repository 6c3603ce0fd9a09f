package org.sparkgrad.it.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** The cluster jar that the dist module builds, as the surefire configuration names it. */
public final class DistJar {
  private DistJar() {}

  /**
   * The jar's path.
   *
   * @throws AssertionError if it was not built (the dist module makes it in its package phase, so
   *     run {@code mvn verify}, not {@code mvn test})
   */
  public static Path path() {
    Path jar = Path.of(ClusterSettings.property("sparkgrad.dist.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(
          "the cluster jar "
              + jar
              + " does not exist; the dist module builds it in the package phase: run mvn verify");
    }
    return jar;
  }
}
