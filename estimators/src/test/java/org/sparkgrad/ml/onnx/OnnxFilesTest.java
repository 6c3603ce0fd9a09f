package org.sparkgrad.ml.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing an ONNX file: whole or not at all, and never over an existing file unless asked. */
class OnnxFilesTest {
  static final Configuration CONF = new Configuration();

  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String listing() throws IOException {
    try (var files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .filter(n -> !n.endsWith(".crc"))
          .sorted()
          .toList()
          .toString();
    }
  }

  @Test
  void writesANewFileCreatingItsFolder() throws IOException {
    Path file = dir.resolve("a/b/model.onnx");
    OnnxFiles.write(file.toUri().toString(), bytes("first"), false, CONF);
    assertThat(Files.readString(file)).isEqualTo("first");
    assertThat(listing()).isEqualTo("[a/b/model.onnx]");
  }

  @Test
  void refusesAnExistingFileUnlessAskedToOverwrite() throws IOException {
    Path file = dir.resolve("model.onnx");
    OnnxFiles.write(file.toString(), bytes("first"), false, CONF);
    assertThatThrownBy(() -> OnnxFiles.write(file.toString(), bytes("second"), false, CONF))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("already exists");
    assertThat(Files.readString(file)).isEqualTo("first");
    OnnxFiles.write(file.toString(), bytes("second"), true, CONF);
    assertThat(Files.readString(file)).isEqualTo("second");
    assertThat(listing()).isEqualTo("[model.onnx]");
  }

  @Test
  void refusesADirectoryEvenWithOverwrite() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("model.onnx"));
    Files.writeString(sub.resolve("keep"), "x");
    assertThatThrownBy(() -> OnnxFiles.write(sub.toString(), bytes("m"), true, CONF))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is a directory");
    assertThat(listing()).isEqualTo("[model.onnx/keep]");
  }

  @Test
  void aFailedWriteLeavesNoFile() throws IOException {
    Files.writeString(dir.resolve("plain"), "a file, not a folder");
    String target = dir.resolve("plain/model.onnx").toString();
    assertThatThrownBy(() -> OnnxFiles.write(target, bytes("m"), false, CONF))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("could not export the ONNX model to " + target);
    assertThat(listing()).isEqualTo("[plain]");
  }
}
