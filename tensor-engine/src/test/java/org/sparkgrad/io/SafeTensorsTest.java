package org.sparkgrad.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/** Writing, reading back through every entry point, and atomic saves. */
class SafeTensorsTest {
  @TempDir Path dir;

  private static Map<String, Tensor> sample() {
    Generator g = new Generator(3);
    Map<String, Tensor> m = new LinkedHashMap<>();
    // Deliberately not in sorted order: the file keeps the map's order.
    m.put("z.weight", Tensor.randn(g, 5, 7));
    m.put("a.bias", Tensor.randn(g, 7));
    m.put("m.running", Tensor.randn(g, 2, 3).to(DType.FLOAT64));
    m.put("m.count", Tensor.ofLongs(new long[] {5, -9, Long.MAX_VALUE}));
    m.put("scalar", Tensor.scalar(2.5));
    m.put("nothing", Tensor.zeros(DType.INT64, 4, 0));
    return m;
  }

  private static void assertSameTensors(Map<String, Tensor> actual, Map<String, Tensor> expected) {
    assertThat(List.copyOf(actual.keySet())).containsExactlyElementsOf(expected.keySet());
    for (String k : expected.keySet()) {
      Tensor a = actual.get(k);
      Tensor e = expected.get(k);
      assertThat(a.dtype()).as(k).isEqualTo(e.dtype());
      assertThat(a.shape()).as(k).containsExactly(e.shape());
      assertThat(a.toDoubleArray()).as(k).containsExactly(e.toDoubleArray());
      assertThat(a.toLongArray()).as(k).containsExactly(e.toLongArray());
    }
  }

  @Test
  void roundTripsThroughAFileInMapOrder() throws IOException {
    Path file = dir.resolve("model.safetensors");
    StateDict.save(sample(), file);
    assertSameTensors(StateDict.load(file), sample());
    assertThat(StateDict.loadMetadata(file)).isEmpty();
  }

  @Test
  void roundTripsThroughStreamsAndBytesWithMetadata() throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("epoch", "12");
    meta.put("unicode \u00e9\u4e2d", "\"quoted\"\n\\");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StateDict.write(sample(), meta, out);
    byte[] bytes = out.toByteArray();

    SafeTensors fromBytes = SafeTensors.read(bytes, "mem");
    assertSameTensors(fromBytes.tensors(), sample());
    assertThat(fromBytes.metadata()).containsExactlyEntriesOf(meta);

    SafeTensors fromStream = SafeTensors.read(new ByteArrayInputStream(bytes), "stream");
    assertSameTensors(fromStream.tensors(), sample());
    assertThat(fromStream.metadata()).containsExactlyEntriesOf(meta);
    assertSameTensors(StateDict.read(new ByteArrayInputStream(bytes), "s"), sample());

    Path file = dir.resolve("meta.safetensors");
    StateDict.save(sample(), meta, file);
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    assertThat(StateDict.loadMetadata(file)).containsExactlyEntriesOf(meta);
  }

  @Test
  void writesExactlyTheSpecifiedBytes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("b", Tensor.of(new float[] {1, -2}));
    m.put("a", Tensor.ofLongs(new long[] {258}));
    StateDict.write(m, out);
    byte[] bytes = out.toByteArray();

    String json =
        "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
    int padded = (json.length() + 7) / 8 * 8;
    ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(le.getLong(0)).isEqualTo(padded);
    assertThat(padded % 8).isZero();
    String header = new String(bytes, 8, padded, StandardCharsets.UTF_8);
    assertThat(header).isEqualTo(json + " ".repeat(padded - json.length()));
    assertThat(Arrays.copyOfRange(bytes, 8 + padded, bytes.length))
        .containsExactly(0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0, 2, 1, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void largeTensorsCrossChunkBoundaries() throws IOException {
    Tensor big = Tensor.randn(new Generator(9), 3 * TensorBytes.CHUNK / 4 + 5);
    Path file = dir.resolve("big.safetensors");
    StateDict.save(Map.of("big", big), file);
    assertThat(StateDict.load(file).get("big").toFloatArray()).containsExactly(big.toFloatArray());
    byte[] bytes = Files.readAllBytes(file);
    assertThat(StateDict.read(new ByteArrayInputStream(bytes), "s").get("big").toFloatArray())
        .containsExactly(big.toFloatArray());
  }

  @Test
  void saveReplacesAnExistingFile() throws IOException {
    Path file = dir.resolve("model.safetensors");
    StateDict.save(Map.of("old", Tensor.ones(3)), file);
    StateDict.save(sample(), file);
    assertSameTensors(StateDict.load(file), sample());
    assertThat(listDir()).containsExactly("model.safetensors");
  }

  @Test
  void aFailedSaveLeavesTheTargetAsItWasAndNoTemporaryFile() throws IOException {
    // A non-empty directory at the target: the data is written, then the rename fails.
    Path target = dir.resolve("taken");
    Files.createDirectory(target);
    Files.writeString(target.resolve("keep.txt"), "kept");
    assertThatThrownBy(() -> StateDict.save(sample(), target)).isInstanceOf(IOException.class);
    assertThat(listDir()).containsExactly("taken");
    assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("kept");

    Path file = dir.resolve("model.safetensors");
    StateDict.save(Map.of("w", Tensor.ones(2)), file);
    byte[] before = Files.readAllBytes(file);
    Map<String, Tensor> bad = new LinkedHashMap<>();
    bad.put("ok", Tensor.ones(2));
    bad.put("__metadata__", Tensor.ones(2));
    assertThatThrownBy(() -> StateDict.save(bad, file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'__metadata__' is reserved");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThat(listDir()).containsExactlyInAnyOrder("taken", "model.safetensors");
  }

  @Test
  void refusesWhatTheFormatCannotHold() {
    Map<String, Tensor> nullTensor = new LinkedHashMap<>();
    nullTensor.put("w", null);
    assertThatThrownBy(() -> StateDict.write(nullTensor, new ByteArrayOutputStream()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tensor 'w' is null");
    Map<String, Tensor> badName = Map.of("bad\uD800name", Tensor.ones(1));
    assertThatThrownBy(() -> StateDict.write(badName, new ByteArrayOutputStream()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tensor name")
        .hasMessageContaining("not valid Unicode");
    Map<String, String> nullValue = new LinkedHashMap<>();
    nullValue.put("k", null);
    assertThatThrownBy(
            () ->
                StateDict.write(
                    Map.of("w", Tensor.ones(1)), nullValue, new ByteArrayOutputStream()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata value for key 'k' must not be null");
  }

  @Test
  void writesTheDataOfTensorsThatRequireGrad() throws IOException {
    Tensor w = Tensor.of(new float[] {0.5f, 1.5f}).requiresGrad(true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StateDict.write(Map.of("w", w), out);
    Tensor back = StateDict.read(out.toByteArray(), "mem").get("w");
    assertThat(back.toFloatArray()).containsExactly(0.5f, 1.5f);
    assertThat(back.requiresGrad()).isFalse();
  }

  private List<String> listDir() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }
}
