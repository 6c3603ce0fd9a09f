package org.sparkgrad.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationDocsTest {
  @Test
  void theDocumentedTableIsTheGeneratedOne() throws Exception {
    Path doc = TestFiles.repoRoot().resolve("docs/CONFIGURATION.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    assertThat(ConfigurationDocs.generatedSection(text, doc.toString()))
        .as(
            "docs/CONFIGURATION.md is out of date; regenerate it with "
                + "java -cp spark-plugin/target/classes org.sparkgrad.spark.ConfigurationDocs "
                + "docs/CONFIGURATION.md")
        .isEqualTo(ConfigurationDocs.table());
  }

  @Test
  void theTableHasOneRowPerUserKeyAndEscapesPipes() {
    String table = ConfigurationDocs.table();
    long userKeys = SparkgradConf.entries().stream().filter(e -> !e.isInternal()).count();
    assertThat(table.lines().count()).isEqualTo(2 + userKeys);
    assertThat(table)
        .contains("| `spark.sparkgrad.device` | `auto` | auto \\| cpu \\| gpu | Where executors")
        .contains("| `spark.sparkgrad.blas.threads` | `1` | int (>= 1) |")
        .doesNotContain("internal");
  }

  @Test
  void mainRewritesOnlyTheGeneratedSection(@TempDir Path dir) throws Exception {
    Path doc = dir.resolve("CONFIGURATION.md");
    Files.writeString(
        doc,
        "# Title\nintro\n"
            + ConfigurationDocs.BEGIN
            + "\nstale row\n"
            + ConfigurationDocs.END
            + "\ntail\n");
    ConfigurationDocs.main(new String[] {doc.toString()});
    assertThat(Files.readString(doc))
        .isEqualTo(
            "# Title\nintro\n"
                + ConfigurationDocs.BEGIN
                + "\n"
                + ConfigurationDocs.table()
                + ConfigurationDocs.END
                + "\ntail\n");
  }

  @Test
  void aDocumentWithoutMarkersIsRefused() {
    assertThatThrownBy(() -> ConfigurationDocs.regenerate("# no markers\n", "x.md"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x.md must contain the lines");
  }
}
