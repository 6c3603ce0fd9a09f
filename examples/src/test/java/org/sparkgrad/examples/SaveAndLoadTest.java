package org.sparkgrad.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaveAndLoadTest {
  @Test
  void reloadedModelGivesIdenticalPredictions(@TempDir Path dir) throws IOException {
    Capture c = new Capture();
    SaveAndLoad.Result r = SaveAndLoad.run(c.out, dir.resolve("toy.safetensors"));
    float[] saved = r.savedOutputs().toFloatArray();
    assertThat(r.reloadedOutputs().toFloatArray()).containsExactly(saved);
    assertThat(r.freshOutputs().toFloatArray()).isNotEqualTo(saved);
    assertThat(r.savedOutputs().shape()).containsExactly(150, 3);
    assertThat(c.text())
        .contains("keys: [0.weight, 0.bias, 2.weight, 2.bias, 4.weight, 4.bias]")
        .contains("disagreed before loading; after loading its outputs are identical")
        .contains("predictions identical: true");

    // A safetensors file: an 8-byte little-endian header length, a JSON header, 2213 floats.
    byte[] bytes = Files.readAllBytes(r.file());
    long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
    assertThat(header).contains("\"0.weight\"").contains("\"F32\"").contains("[30,50]");
    assertThat(bytes.length - 8 - headerLen).isEqualTo(2213L * Float.BYTES);
  }
}
