package org.sparkgrad.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Tensor;

/**
 * Files that PyTorch wrote, read here, and a file written here, read by PyTorch; see {@code
 * golden/safetensors/gen_safetensors.py}.
 *
 * <p>To regenerate the Java-written fixture after a deliberate format change: run this test with
 * {@code -Dsparkgrad.regenerateFixtures=true} (from the tensor-engine folder), then run the script.
 */
class SafeTensorsInteropTest {
  private static final String FIXTURE_DIR = "src/test/resources/golden/safetensors";

  @Test
  void loadsThePyTorchMlpStateDict() throws IOException {
    GoldenText golden = GoldenText.read("torch_mlp_expected.txt");
    Path file = GoldenText.resource("torch_mlp.safetensors");
    LinkedHashMap<String, Tensor> sd = StateDict.load(file);

    // The reference lays the data out by name within a dtype; loading follows the data order.
    assertThat(sd.keySet())
        .containsExactly("0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight");
    for (String key : sd.keySet()) {
      GoldenText.Entry e = golden.tensors.get(key);
      Tensor t = sd.get(key);
      assertThat(t.dtype()).isEqualTo(DType.FLOAT32);
      assertThat(t.shape()).as(key).containsExactly(e.shape);
      assertThat(t.toFloatArray()).as(key).containsExactly(e.floats());
    }
    assertThat(sd.get("0.weight").shape()).containsExactly(30, 50);
    assertThat(StateDict.loadMetadata(file)).containsExactlyEntriesOf(Map.of("format", "pt"));
  }

  @Test
  void loadedWeightsReproduceThePyTorchOutput() throws IOException {
    GoldenText golden = GoldenText.read("torch_mlp_expected.txt");
    Map<String, Tensor> sd = StateDict.load(GoldenText.resource("torch_mlp.safetensors"));
    GoldenText.Entry in = golden.tensors.get("input");
    GoldenText.Entry out = golden.tensors.get("output");
    Tensor h = Tensor.of(in.floats(), in.shape);
    for (int layer = 0; layer <= 4; layer += 2) {
      h = h.matmul(sd.get(layer + ".weight").t()).add(sd.get(layer + ".bias"));
      if (layer < 4) {
        h = h.relu();
      }
    }
    assertThat(h.shape()).containsExactly(4, 3);
    float[] expected = out.floats();
    float[] actual = h.toFloatArray();
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("output[%d]", i).isCloseTo(expected[i], within(1e-5f));
    }
  }

  @Test
  void loadsPyTorchDtypesScalarsEmptyTensorsAndEscapedMetadata() throws IOException {
    GoldenText golden = GoldenText.read("torch_mixed_expected.txt");
    SafeTensors st = SafeTensors.read(GoldenText.resource("torch_mixed.safetensors"));
    assertThat(st.metadata()).containsExactlyEntriesOf(golden.metadata);
    assertThat(st.metadata().get("note"))
        .isEqualTo("quote \" backslash \\ tab \t café \uD834\uDD1E");
    Map<String, Tensor> sd = st.tensors();
    assertThat(sd.keySet()).containsExactlyInAnyOrderElementsOf(golden.tensors.keySet());
    for (GoldenText.Entry e : golden.tensors.values()) {
      assertMatches(sd.get(e.name), e);
    }
    assertThat(sd.get("step").dim()).isZero();
    assertThat(sd.get("step").item()).isEqualTo(7.0);
    assertThat(sd.get("empty").shape()).containsExactly(0, 3);
    assertThat(sd.get("counts").toLongArray())
        .containsExactly(-1, 0, (1L << 53) + 1, Long.MAX_VALUE, Long.MIN_VALUE, 42);
  }

  /** The tensors of the Java-written fixture: every dtype, a 0-d, an empty and extreme values. */
  static Map<String, Tensor> fixtureTensors() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    float[] w = new float[12];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i - 5.5f) * 0.375f + i / 7f;
    }
    m.put("layer.weight", Tensor.of(w, 3, 4));
    m.put("layer.bias", Tensor.of(new float[] {-1e-3f, -0.0f, 3.4e38f, Float.MIN_VALUE}));
    m.put("step", Tensor.ofLongs(new long[] {123456789012345L}).reshape());
    m.put(
        "ids", Tensor.ofLongs(new long[] {-1, 0, (1L << 53) + 1, Long.MAX_VALUE, Long.MIN_VALUE}));
    m.put("scale", Tensor.of(new double[] {Math.PI, -1e-300}));
    m.put("empty", Tensor.zeros(0, 3));
    return m;
  }

  static Map<String, String> fixtureMetadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", "pt");
    m.put("producer", "sparkgrad");
    m.put("note", "quote \" backslash \\ newline \n tab \t café \uD834\uDD1E \u0001");
    return m;
  }

  @Test
  void theCommittedJavaFixtureIsWhatTheWriterWritesNow() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SafeTensors.write(fixtureTensors(), fixtureMetadata(), bytes);
    if (Boolean.getBoolean("sparkgrad.regenerateFixtures")) {
      Files.write(Path.of(FIXTURE_DIR, "java_written.safetensors"), bytes.toByteArray());
    }
    assertThat(Files.readAllBytes(GoldenText.resource("java_written.safetensors")))
        .as("java_written.safetensors is stale: regenerate it (see the class comment)")
        .isEqualTo(bytes.toByteArray());
  }

  @Test
  void pyTorchReadTheJavaFixtureAsWritten() throws IOException {
    GoldenText torch = GoldenText.read("java_written_torch_read.txt");
    Map<String, Tensor> written = fixtureTensors();
    assertThat(torch.order).containsExactlyElementsOf(List.copyOf(written.keySet()));
    assertThat(torch.metadata).containsExactlyEntriesOf(fixtureMetadata());
    for (Map.Entry<String, Tensor> e : written.entrySet()) {
      GoldenText.Entry read = torch.tensors.get(e.getKey());
      assertMatches(e.getValue(), read);
      Tensor t = e.getValue();
      if (t.dtype() == DType.INT64) {
        long sum = 0;
        for (long v : t.toLongArray()) {
          sum += v; // wraps as torch's int64 sum does
        }
        assertThat(Long.parseLong(read.sum)).as(e.getKey()).isEqualTo(sum);
      } else {
        double sum = 0;
        for (double v : t.toDoubleArray()) {
          sum += v;
        }
        assertThat(Double.parseDouble(read.sum))
            .as(e.getKey())
            .isCloseTo(sum, within(Math.abs(sum) * 1e-12));
      }
    }
  }

  private static void assertMatches(Tensor t, GoldenText.Entry e) {
    assertThat(t).as(e.name).isNotNull();
    assertThat(SafeTensorsLayout.code(t.dtype())).as(e.name).isEqualTo(e.dtype);
    assertThat(t.shape()).as(e.name).containsExactly(e.shape);
    switch (t.dtype()) {
      case FLOAT32 -> assertThat(t.toFloatArray()).as(e.name).containsExactly(e.floats());
      case FLOAT64 -> assertThat(t.toDoubleArray()).as(e.name).containsExactly(e.doubles());
      case INT64 -> assertThat(t.toLongArray()).as(e.name).containsExactly(e.longs());
    }
  }
}
