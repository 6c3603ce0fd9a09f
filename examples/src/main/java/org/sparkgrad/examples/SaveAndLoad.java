package org.sparkgrad.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.sparkgrad.io.StateDict;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * Saving and loading, as {@code torch.save(model.state_dict(), path)} and {@code
 * model.load_state_dict(torch.load(path))}: the trained toy model's state dict is written as a
 * safetensors file, read back into a freshly initialised network, and both give the same outputs.
 */
public final class SaveAndLoad {
  /** What a run produced: the outputs on the test set before saving and after loading. */
  public record Result(
      Path file, Tensor savedOutputs, Tensor freshOutputs, Tensor reloadedOutputs) {}

  private SaveAndLoad() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("sparkgrad-save");
    run(System.out, dir.resolve("toy_model.safetensors"));
  }

  /** Trains the toy model, saves it to {@code file}, reloads it and compares outputs. */
  public static Result run(PrintStream out, Path file) {
    ToyTraining.Result trained = ToyTraining.run(out, 5);
    Tensor x = ToyData.blobs(200, 50, 7).test().tensors()[0];
    Tensor saved = outputs(trained.model(), x);
    try {
      StateDict.save(trained.model().stateDict(), file);
      out.println("saved " + Files.size(file) + " bytes to " + file.getFileName());
      Map<String, Tensor> state = StateDict.load(file);
      out.println("keys: " + state.keySet());
      Sequential fresh = SeedNetwork.create(new Generator(1234));
      Tensor before = outputs(fresh, x);
      fresh.loadStateDict(state);
      Tensor after = outputs(fresh, x);
      out.println(
          "a fresh network "
              + (Arrays.equals(before.toFloatArray(), saved.toFloatArray())
                  ? "already agreed"
                  : "disagreed")
              + " before loading; after loading its outputs are "
              + (Arrays.equals(after.toFloatArray(), saved.toFloatArray())
                  ? "identical"
                  : "DIFFERENT"));
      out.println(
          "predictions identical: "
              + Arrays.equals(
                  ToyTraining.predict(trained.model(), x).toLongArray(),
                  ToyTraining.predict(fresh, x).toLongArray()));
      return new Result(file, saved, before, after);
    } catch (IOException e) {
      throw new UncheckedIOException("could not save or load " + file, e);
    }
  }

  private static Tensor outputs(Sequential model, Tensor x) {
    model.eval();
    try (NoGrad ignored = NoGrad.enter()) {
      return model.forward(x);
    }
  }
}
