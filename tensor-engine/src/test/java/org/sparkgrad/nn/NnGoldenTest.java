package org.sparkgrad.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkgrad.tensor.Tensor;

/** Layer outputs and gradients against PyTorch 1.13 (golden/nn/gen_nn.py), in float32. */
class NnGoldenTest {
  private static final Golden G = Golden.load();

  /**
   * Loads the case's state dict (checking PyTorch's key order), runs forward, then backward of
   * {@code (out * g).sum()}, and compares the output and every gradient.
   */
  private static void moduleCase(String c, Module m, boolean train) {
    m.train(train);
    assertThat(new ArrayList<>(m.stateDict().keySet())).isEqualTo(G.keys(c));
    m.loadStateDict(G.withPrefix(c + ".state."));
    Tensor x = G.get(c + ".in");
    if (x.dtype().isFloatingPoint()) {
      x.requiresGrad(true);
    }
    Tensor out = m.forward(x);
    G.assertClose(c + ".out", out);
    out.mul(G.get(c + ".g")).sum().backward();
    if (x.requiresGrad()) {
      G.assertClose(c + ".grad.in", x.grad());
    }
    for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
      G.assertClose(c + ".grad." + p.getKey(), p.getValue().grad());
    }
  }

  @Test
  void linear() {
    moduleCase("linear", new Linear(4, 3, 0L), true);
    moduleCase("linear_nobias_3d", new Linear(4, 3, false, 0L), true);
  }

  @Test
  void activations() {
    moduleCase("relu", new ReLU(), true);
    moduleCase("leaky_relu", new LeakyReLU(0.2), true);
    moduleCase("sigmoid", new Sigmoid(), true);
    moduleCase("tanh", new Tanh(), true);
    moduleCase("gelu", new GELU(), true);
    moduleCase("softmax", new Softmax(1), true);
    moduleCase("softmax0", new Softmax(0), true);
    moduleCase("log_softmax", new LogSoftmax(1), true);
  }

  @Test
  void layerNorm() {
    moduleCase("layer_norm", new LayerNorm(3, 4), true);
    moduleCase("layer_norm_plain", new LayerNorm(new int[] {5}, 1e-5, false), true);
  }

  @Test
  void embedding() {
    moduleCase("embedding", new Embedding(10, 3, 0L), true);
  }

  @Test
  void conv2dWithStrideAndPadding() {
    moduleCase("conv2d", new Conv2d(2, 3, 3, 2, 1, true, 0L), true);
    moduleCase("conv2d_nobias", new Conv2d(3, 2, 2, 1, 0, false, 0L), true);
  }

  @Test
  void maxPool2d() {
    moduleCase("maxpool", new MaxPool2d(2), true);
    moduleCase("maxpool_pad", new MaxPool2d(3, 2, 1), true);
    moduleCase("maxpool_overlap", new MaxPool2d(3, 1), true);
  }

  @Test
  void avgPool2d() {
    moduleCase("avgpool", new AvgPool2d(2), true);
    // padded positions count as zeros in the average (count_include_pad=True)
    moduleCase("avgpool_pad", new AvgPool2d(3, 2, 1), true);
    moduleCase("avgpool_overlap", new AvgPool2d(3, 1, 0), true);
  }

  @Test
  void sequentialInEvalMode() {
    Sequential mlp =
        new Sequential(
            new Linear(6, 5, 1L),
            new LayerNorm(5),
            new GELU(),
            new Dropout(0.3),
            new Linear(5, 3, 2L),
            new Tanh());
    moduleCase("mlp_eval", mlp, false);
  }

  /** Two training steps (outputs, gradients, running statistics), then evaluation. */
  private static void batchNormCase(String c, BatchNormBase bn) {
    assertThat(new ArrayList<>(bn.stateDict().keySet())).isEqualTo(G.keys(c));
    bn.loadStateDict(G.withPrefix(c + ".state."));
    bn.train();
    for (String step : new String[] {".step1", ".step2"}) {
      Tensor x = G.get(c + step + ".in").requiresGrad(true);
      bn.zeroGrad();
      Tensor out = bn.forward(x);
      G.assertClose(c + step + ".out", out);
      out.mul(G.get(c + step + ".g")).sum().backward();
      G.assertClose(c + step + ".grad.in", x.grad());
      G.assertClose(c + step + ".grad.weight", bn.getParameter("weight").grad());
      G.assertClose(c + step + ".grad.bias", bn.getParameter("bias").grad());
    }
    for (Map.Entry<String, Tensor> e : bn.stateDict().entrySet()) {
      G.assertClose(c + ".after." + e.getKey(), e.getValue());
    }
    bn.eval();
    Tensor x = G.get(c + ".eval.in").requiresGrad(true);
    Tensor out = bn.forward(x);
    G.assertClose(c + ".eval.out", out);
    out.mul(G.get(c + ".eval.g")).sum().backward();
    G.assertClose(c + ".eval.grad.in", x.grad());
    assertThat(bn.getBuffer("num_batches_tracked").item()).isEqualTo(2.0);
  }

  @Test
  void batchNorm1dTrainingAndEvaluation() {
    batchNormCase("batch_norm", new BatchNorm1d(3));
    batchNormCase("batch_norm_3d_cumulative", new BatchNorm1d(3, 1e-5, null, true, true));
  }

  @Test
  void batchNorm2dTrainingAndEvaluation() {
    batchNormCase("batch_norm2d", new BatchNorm2d(3));
    batchNormCase("batch_norm2d_cumulative", new BatchNorm2d(2, 1e-3, null, true, true));
  }

  @Test
  void printsAsPyTorch() {
    Sequential mlp =
        new Sequential(
            new Linear(50, 30, 0L),
            new ReLU(),
            new Linear(30, 20, 0L),
            new ReLU(),
            new Linear(20, 3, 0L));
    assertThat(mlp.toString()).isEqualTo(G.string("mlp_2213"));
    Sequential zoo =
        new Sequential(
            new Conv2d(1, 8, 3, 1, 1, true, 0L),
            new ReLU(),
            new MaxPool2d(2),
            new Conv2d(8, 16, 3, 2, 0, false, 0L),
            new Flatten(),
            new Linear(64, 10, false, 0L),
            new LayerNorm(10),
            new GELU(),
            new Dropout(0.25),
            new LeakyReLU(0.2),
            new BatchNorm1d(10),
            new Tanh(),
            new Sigmoid(),
            new Softmax(1),
            new LogSoftmax(-1),
            new Embedding(10, 3, 0L),
            new Sequential(new Linear(3, 3, 0L), new Sequential(new ReLU())),
            new LayerNorm(new int[] {3, 4}, 1e-6, false),
            new BatchNorm1d(4, 0.001, null, false, false),
            new MaxPool2d(3, 2, 1),
            new Dropout(),
            new LeakyReLU(),
            new Flatten(0, 2),
            new Sequential());
    assertThat(zoo.toString()).isEqualTo(G.string("zoo"));
    assertThat(new Linear(4, 2, 0L).toString()).isEqualTo(G.string("linear"));
    assertThat(new Sequential().toString()).isEqualTo(G.string("empty_sequential"));
  }

  @Test
  void stateDictKeysIncludeBuffersAsPyTorchNamesThem() {
    Sequential m = new Sequential(new Linear(2, 3, 0L), new BatchNorm1d(3));
    assertThat(String.join("\n", m.stateDict().keySet())).isEqualTo(G.string("bn_keys"));
  }
}
