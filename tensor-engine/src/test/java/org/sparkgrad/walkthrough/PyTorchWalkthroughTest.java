package org.sparkgrad.walkthrough;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkgrad.data.DataLoader;
import org.sparkgrad.data.TensorDataset;
import org.sparkgrad.io.StateDict;
import org.sparkgrad.nn.*;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.loss.CrossEntropyLoss;
import org.sparkgrad.optim.SGD;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/**
 * The seed's walk-through (tensors, the computational graph of a logistic unit, the 50-30-20-3
 * network, training it on three Gaussian blobs, saving and loading it) typed as a PyTorch user
 * types it, with only Java's syntax changed: the default generator ({@code Tensor.manualSeed}, not
 * a {@code Generator} per call), {@code new Linear(50, 30)}, {@code x.argmax(1)}, {@code
 * F.mseLoss(a, b)}, {@code F.binaryCrossEntropy(a, y)}, {@code new DataLoader<>(data, 32, true)},
 * and {@code import org.sparkgrad.nn.*} in a file that subclasses {@code Module}. The PyTorch line
 * each statement comes from is in the comment beside it where the two differ by more than syntax.
 */
class PyTorchWalkthroughTest {

  /** {@code class NeuralNetwork(nn.Module)} with its layers in a {@code Sequential}. */
  static final class NeuralNetwork extends Module {
    private final Sequential layers;

    NeuralNetwork() {
      // self.layers = nn.Sequential(...): Java registers children explicitly.
      layers =
          addModule(
              "layers",
              new Sequential(
                  new Linear(50, 30),
                  new ReLU(),
                  new Linear(30, 20),
                  new ReLU(),
                  new Linear(20, 3)));
    }

    @Override
    public Tensor forward(Tensor x) {
      return layers.forward(x);
    }
  }

  @Test
  void tensors() {
    Tensor scalar = Tensor.tensor(7);
    assertThat(scalar.dim()).isZero();
    assertThat(scalar.dtype()).isEqualTo(DType.INT64);
    assertThat(scalar.item()).isEqualTo(7.0);
    Tensor vector = Tensor.tensor(new int[] {7, 7});
    assertThat(vector.shape()).containsExactly(2);
    Tensor matrix = Tensor.tensor(new float[][] {{7, 8}, {9, 10}});
    assertThat(matrix.dtype()).isEqualTo(DType.FLOAT32);
    assertThat(matrix.size()).containsExactly(2, 2);
    assertThat(matrix.select(0, 1).toFloatArray()).containsExactly(9, 10); // matrix[1]
    assertThat(matrix.select(1, 0).toFloatArray()).containsExactly(7, 9); // matrix[:, 0]
    assertThat(matrix.select(0, -1).select(0, -1).item()).isEqualTo(10.0); // matrix[-1, -1]
    Tensor cube = Tensor.tensor(new double[][] {{1, 2, 3}, {3, 6, 9}, {2, 4, 5}}).unsqueeze(0);
    assertThat(cube.shape()).containsExactly(1, 3, 3);
    assertThat(cube.select(0, 0).select(0, 1).toFloatArray()).containsExactly(3, 6, 9);

    Tensor.manualSeed(42);
    Tensor r = Tensor.rand(3, 4);
    assertThat(r.shape()).containsExactly(3, 4);
    Tensor.manualSeed(42);
    assertThat(Tensor.rand(3, 4).toFloatArray()).containsExactly(r.toFloatArray());
    assertThat(Tensor.rand(3, 4).toFloatArray()).isNotEqualTo(r.toFloatArray());
    for (float v : r.toFloatArray()) {
      assertThat(v).isBetween(0f, 1f);
    }

    Tensor a = Tensor.arange(10);
    assertThat(a.view(2, 5).select(1, 4).toLongArray()).containsExactly(4, 9);
    assertThat(a.reshape(5, -1).shape()).containsExactly(5, 2);
    assertThat(a.narrow(0, 2, 3).toLongArray()).containsExactly(2, 3, 4); // a[2:5]
    assertThat(Tensor.cat(List.of(r, r)).shape()).containsExactly(6, 4);
    assertThat(Tensor.cat(List.of(r, r), 1).shape()).containsExactly(3, 8);
    Tensor stacked = Tensor.stack(List.of(r, r.mul(2)));
    assertThat(stacked.shape()).containsExactly(2, 3, 4);
    assertThat(stacked.select(0, 1).toFloatArray()).containsExactly(r.mul(2).toFloatArray());
    assertThat(Tensor.stack(List.of(r, r), -1).shape()).containsExactly(3, 4, 2);
    assertThat(r.to("cpu").device().toString()).isEqualTo("cpu");
    assertThat(Tensor.zeros(2, 3).add(Tensor.ones(2, 3)).sum().item()).isEqualTo(6.0);
  }

  @Test
  void computationalGraph() {
    Tensor.manualSeed(0);
    Tensor x = Tensor.ones(5); // input tensor
    Tensor y = Tensor.zeros(3); // expected output
    Tensor w = Tensor.randn(5, 3).requiresGrad(true);
    Tensor b = Tensor.randn(3).requiresGrad(true);
    Tensor z = x.matmul(w).add(b);
    Tensor a = z.sigmoid();
    Tensor loss = F.binaryCrossEntropy(a, y);
    assertThat(z.gradFn().name()).isEqualTo("AddBackward");
    assertThat(F.binaryCrossEntropyWithLogits(z, y).item())
        .isCloseTo(loss.item(), within(1e-6 * loss.item()));
    loss.backward();

    // By hand: L = mean_j -log(1 - a_j), so dL/dz_j = a_j / 3, dL/dw_ij = x_i a_j / 3.
    double[] av = a.toDoubleArray();
    double expected = 0;
    for (double aj : av) {
      expected -= Math.log(1 - aj) / 3;
    }
    assertThat(loss.item()).isCloseTo(expected, within(1e-5 * expected));
    float[] gw = w.grad().toFloatArray();
    float[] gb = b.grad().toFloatArray();
    for (int j = 0; j < 3; j++) {
      assertThat((double) gb[j]).isCloseTo(av[j] / 3, within(1e-6));
      for (int i = 0; i < 5; i++) {
        assertThat((double) gw[i * 3 + j]).isCloseTo(av[j] / 3, within(1e-6));
      }
    }
    try (NoGrad ignored = Tensor.noGrad()) { // with torch.no_grad():
      assertThat(x.matmul(w).add(b).requiresGrad()).isFalse();
    }
    assertThat(z.detach().requiresGrad()).isFalse();

    // The squared error of the same output, mean-reduced by default.
    Tensor target = Tensor.tensor(new double[] {0.5, 0.25, 1});
    double mse = F.mseLoss(a, target).item();
    double l1 = F.l1Loss(a, target).item();
    double sq = 0;
    double abs = 0;
    for (int j = 0; j < 3; j++) {
      double d = av[j] - target.toDoubleArray()[j];
      sq += d * d / 3;
      abs += Math.abs(d) / 3;
    }
    assertThat(mse).isCloseTo(sq, within(1e-6));
    assertThat(l1).isCloseTo(abs, within(1e-6));
  }

  @Test
  void theNetworkIsReproducibleFromManualSeed() {
    Tensor.manualSeed(42);
    NeuralNetwork model = new NeuralNetwork();
    assertThat(model.toString())
        .isEqualTo(
            """
            NeuralNetwork(
              (layers): Sequential(
                (0): Linear(in_features=50, out_features=30, bias=True)
                (1): ReLU()
                (2): Linear(in_features=30, out_features=20, bias=True)
                (3): ReLU()
                (4): Linear(in_features=20, out_features=3, bias=True)
              )
            )""");
    long numParams = 0; // sum(p.numel() for p in model.parameters())
    for (Tensor p : model.parameters()) {
      numParams += p.numel();
    }
    assertThat(numParams).isEqualTo(50 * 30 + 30 + 30 * 20 + 20 + 20 * 3 + 3).isEqualTo(2213);
    assertThat(model.stateDict().keySet())
        .containsExactly(
            "layers.0.weight",
            "layers.0.bias",
            "layers.2.weight",
            "layers.2.bias",
            "layers.4.weight",
            "layers.4.bias");
    // PyTorch's bound for Linear(50, 30): U(-1/sqrt(50), 1/sqrt(50)).
    for (float v : model.stateDict().get("layers.0.weight").toFloatArray()) {
      assertThat((double) Math.abs(v)).isLessThan(1 / Math.sqrt(50));
    }

    NeuralNetwork next = new NeuralNetwork();
    Tensor.manualSeed(42);
    NeuralNetwork again = new NeuralNetwork();
    for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
      assertThat(again.stateDict().get(e.getKey()).toFloatArray())
          .as(e.getKey())
          .containsExactly(e.getValue().toFloatArray());
    }
    assertThat(next.stateDict().get("layers.0.weight").toFloatArray())
        .isNotEqualTo(model.stateDict().get("layers.0.weight").toFloatArray());
  }

  /** Three Gaussian blobs in 50 dimensions; labels {@code i % 3}. */
  private static Tensor[] blobs(Tensor centres, int n) {
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
    }
    Tensor y = Tensor.tensor(labels);
    Tensor x = Tensor.randn(n, 50).add(centres.indexSelect(0, y)); // centres[y]
    return new Tensor[] {x, y};
  }

  private static double accuracy(Module model, Tensor x, Tensor y) {
    model.eval();
    try (NoGrad ignored = Tensor.noGrad()) {
      Tensor pred = model.forward(x).softmax(1).argmax(1);
      assertThat(pred.toLongArray())
          .containsExactly(model.forward(x).max(1).indices().toLongArray());
      return pred.eq(y).to(DType.FLOAT32).mean().item(); // (pred == y).float().mean().item()
    }
  }

  @Test
  void trainingSavingAndLoading(@TempDir Path dir) throws Exception {
    Tensor.manualSeed(7);
    Tensor centres = Tensor.randn(3, 50).mul(2);
    Tensor[] train = blobs(centres, 600);
    Tensor[] test = blobs(centres, 150);
    DataLoader<Tensor[]> trainLoader = new DataLoader<>(new TensorDataset(train), 32, true);
    assertThat(trainLoader.len()).isEqualTo(19); // 18 full batches and one of 24

    Tensor.manualSeed(42);
    NeuralNetwork model = new NeuralNetwork();
    double before = accuracy(model, test[0], test[1]);
    SGD optimizer = new SGD(model.parameters(), 0.01, 0.9);
    CrossEntropyLoss lossFn = new CrossEntropyLoss();
    double firstEpoch = 0;
    double lastEpoch = 0;
    for (int epoch = 0; epoch < 10; epoch++) {
      model.train();
      double sum = 0;
      int samples = 0;
      for (Tensor[] batch : trainLoader) { // for xb, yb in train_loader:
        optimizer.zeroGrad();
        Tensor logits = model.forward(batch[0]);
        Tensor loss = lossFn.forward(logits, batch[1]);
        assertThat(F.crossEntropy(logits, batch[1]).item()).isEqualTo(loss.item());
        loss.backward();
        optimizer.step();
        sum += loss.item() * batch[0].size(0);
        samples += batch[0].size(0);
      }
      assertThat(samples).isEqualTo(600);
      if (epoch == 0) {
        firstEpoch = sum / samples;
      }
      lastEpoch = sum / samples;
    }
    double after = accuracy(model, test[0], test[1]);
    assertThat(before).as("untrained").isLessThan(0.9);
    assertThat(after).as("trained, on the test blobs").isEqualTo(1.0);
    assertThat(accuracy(model, train[0], train[1])).isEqualTo(1.0);
    assertThat(lastEpoch).isLessThan(firstEpoch / 10);

    // torch.save(model.state_dict(), path); model2.load_state_dict(torch.load(path))
    String path = dir.resolve("model.safetensors").toString();
    StateDict.save(model.stateDict(), path);
    NeuralNetwork model2 = new NeuralNetwork();
    model2.loadStateDict(StateDict.load(path));
    model2.eval();
    try (NoGrad ignored = Tensor.noGrad()) {
      assertThat(model2.forward(test[0]).toFloatArray())
          .containsExactly(model.forward(test[0]).toFloatArray());
    }
    assertThat(model2.to("cpu")).isSameAs(model2);
  }
}
