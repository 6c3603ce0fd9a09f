package org.sparkgrad.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuplicateJarsTest {
  private static final String PLUGIN = "org/sparkgrad/spark/SparkgradPlugin.class";

  @Test
  void theTestClassPathHasOneCopyOfEachMarker() {
    Map<String, List<URL>> found = DuplicateJars.locate(getClass().getClassLoader());
    assertThat(found.keySet()).containsExactlyElementsOf(DuplicateJars.MARKERS);
    assertThat(found.values()).allSatisfy(urls -> assertThat(urls).hasSize(1));
    assertThat(DuplicateJars.problem(found)).isEmpty();
  }

  @Test
  void aPluginClassInTwoPlacesIsNamedWithBothPlaces(@TempDir Path dir) throws Exception {
    byte[] classFile = pluginClassBytes();
    Path classesDir = dir.resolve("classes");
    Files.createDirectories(classesDir.resolve("org/sparkgrad/spark"));
    Files.write(classesDir.resolve(PLUGIN), classFile);
    Path jar = dir.resolve("sparkgrad-all-0.0.9.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out)) {
      j.putNextEntry(new JarEntry(PLUGIN));
      j.write(classFile);
      j.closeEntry();
    }
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classesDir.toUri().toURL(), jar.toUri().toURL()}, null)) {
      Map<String, List<URL>> found = DuplicateJars.locate(loader);
      assertThat(found.get(PLUGIN)).hasSize(2);
      assertThat(DuplicateJars.problem(found))
          .hasValueSatisfying(
              m ->
                  assertThat(m)
                      .contains("Sparkgrad is on the class path more than once")
                      .contains(PLUGIN + " is in " + classesDir + " and " + jar + ")")
                      .contains("keep one copy"));
    }
  }

  @Test
  void theSameJarSeenTwiceCountsOnce() throws Exception {
    URL a = new URL("jar:file:/opt/jars/sparkgrad-spark-plugin.jar!/" + PLUGIN);
    URL b = new URL("jar:file:/opt/jars/sparkgrad-spark-plugin.jar!/" + PLUGIN);
    assertThat(DuplicateJars.problem(Map.of(PLUGIN, List.of(a, b)))).isEmpty();
    URL http = new URL("http://repo/sparkgrad.jar");
    assertThat(DuplicateJars.origin(http, PLUGIN)).isEqualTo("http://repo/sparkgrad.jar");
    assertThat(DuplicateJars.origin(a, PLUGIN)).isEqualTo("/opt/jars/sparkgrad-spark-plugin.jar");
    assertThat(DuplicateJars.origin(new URL("file:/opt/app/classes/" + PLUGIN), PLUGIN))
        .isEqualTo("/opt/app/classes");
  }

  private static byte[] pluginClassBytes() throws Exception {
    try (InputStream in = SparkgradPlugin.class.getResourceAsStream("SparkgradPlugin.class")) {
      return in.readAllBytes();
    }
  }
}
