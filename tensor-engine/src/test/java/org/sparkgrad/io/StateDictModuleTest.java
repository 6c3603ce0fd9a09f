package org.sparkgrad.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/** A module's state dict through safetensors: PyTorch's weights in, and a save/load round trip. */
class StateDictModuleTest {
  @TempDir Path dir;

  private static Sequential mlp(long seed) {
    Generator g = new Generator(seed);
    return new Sequential(
        new Linear(50, 30, g), new ReLU(), new Linear(30, 20, g), new ReLU(), new Linear(20, 3, g));
  }

  private static float[] predict(Sequential model, Tensor x) {
    try (NoGrad ng = NoGrad.enter()) {
      return model.forward(x).toFloatArray();
    }
  }

  @Test
  void aSequentialWithPyTorchsWeightsGivesPyTorchsOutput() throws IOException {
    Sequential model = mlp(1);
    model.loadStateDict(StateDict.load(GoldenText.resource("torch_mlp.safetensors")));
    GoldenText golden = GoldenText.read("torch_mlp_expected.txt");
    GoldenText.Entry in = golden.tensors.get("input");
    float[] expected = golden.tensors.get("output").floats();
    float[] actual = predict(model, Tensor.of(in.floats(), in.shape));
    assertThat(actual).hasSize(12);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("output[%d]", i).isCloseTo(expected[i], within(1e-5f));
    }
  }

  @Test
  void saveThenLoadGivesTheSameParametersAndPredictions() throws IOException {
    Sequential trained = mlp(7);
    Sequential fresh = mlp(8);
    Tensor x = Tensor.randn(new Generator(2), 5, 50);
    assertThat(predict(fresh, x)).isNotEqualTo(predict(trained, x));

    Path file = dir.resolve("mlp.safetensors");
    StateDict.save(trained.stateDict(), Map.of("arch", "mlp-50-30-20-3"), file);
    fresh.loadStateDict(StateDict.load(file));

    assertThat(fresh.stateDict().keySet()).containsExactlyElementsOf(trained.stateDict().keySet());
    for (String k : trained.stateDict().keySet()) {
      assertThat(fresh.stateDict().get(k).toFloatArray())
          .as(k)
          .containsExactly(trained.stateDict().get(k).toFloatArray());
    }
    assertThat(predict(fresh, x)).containsExactly(predict(trained, x));
    assertThat(StateDict.loadMetadata(file)).containsEntry("arch", "mlp-50-30-20-3");
  }
}
