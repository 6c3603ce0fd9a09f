package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.AvgPool2d;
import org.sparkgrad.nn.Conv2d;
import org.sparkgrad.nn.Flatten;
import org.sparkgrad.nn.MaxPool2d;
import org.sparkgrad.nn.Module;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Device;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.GradCheck;
import org.sparkgrad.tensor.NoGrad;
import org.sparkgrad.tensor.Tensor;

/** The image and embedding layers of a network spec: JSON, shapes, names and gradients. */
class NetworkLayersTest {
  static final String CNN =
      "{\"input_shape\": [1, 6, 6], \"layers\": ["
          + "{\"type\": \"conv2d\", \"in_channels\": 1, \"out_channels\": 3, \"kernel_size\": 3,"
          + " \"padding\": 1},"
          + " {\"type\": \"relu\"},"
          + " {\"type\": \"max_pool2d\", \"kernel_size\": 2},"
          + " {\"type\": \"conv2d\", \"in_channels\": 3, \"out_channels\": 2, \"kernel_size\": 2,"
          + " \"stride\": 1, \"bias\": false},"
          + " {\"type\": \"avg_pool2d\", \"kernel_size\": 2, \"stride\": 1},"
          + " {\"type\": \"flatten\"},"
          + " {\"type\": \"linear\", \"in_features\": 2, \"out_features\": 3}]}";

  static final String EMBEDDING =
      "{\"input_shape\": [4], \"layers\": ["
          + "{\"type\": \"embedding\", \"num_embeddings\": 5, \"embedding_dim\": 3},"
          + " {\"type\": \"flatten\"},"
          + " {\"type\": \"linear\", \"in_features\": 12, \"out_features\": 2}]}";

  @Test
  void cnnParsesChainsShapesAndRoundTrips() {
    NetworkSpec spec = NetworkSpec.parse(CNN);
    // [1,6,6] -conv(p1)-> [3,6,6] -max2-> [3,3,3] -conv2-> [2,2,2] -avg2,s1-> [2,1,1] -> 2 -> 3
    assertThat(spec.inputShape()).containsExactly(1, 6, 6);
    assertThat(spec.inputSize()).isEqualTo(36);
    assertThat(spec.outputSize()).isEqualTo(3);
    assertThat(spec.layers().get(0)).isEqualTo(new Conv2dSpec(1, 3, 3, 1, 1, true));
    assertThat(spec.layers().get(2)).isEqualTo(new PoolSpec("max_pool2d", 2, 2, 0));
    assertThat(spec.layers().get(4)).isEqualTo(new PoolSpec("avg_pool2d", 2, 1, 0));
    assertThat(NetworkSpec.parse(spec.toJson())).isEqualTo(spec);
    assertThat(spec.withInputShape(new int[] {1, 7, 7})).isNotEqualTo(spec);
    Sequential net = spec.build(3);
    assertThat(net.get(0)).isInstanceOf(Conv2d.class);
    assertThat(net.get(2)).isInstanceOf(MaxPool2d.class);
    assertThat(net.get(4)).isInstanceOf(AvgPool2d.class);
    assertThat(net.get(5)).isInstanceOf(Flatten.class);
    // PyTorch's nn.Sequential of the same layers names them so: the reshape is not a layer.
    assertThat(net.stateDict().keySet())
        .containsExactly("0.weight", "0.bias", "3.weight", "6.weight", "6.bias");
    assertThat(net.stateDict().get("3.weight").shape()).containsExactly(2, 3, 2, 2);
  }

  @Test
  void embeddingParsesChainsAndNamesItsWeightAsPyTorch() {
    NetworkSpec spec = NetworkSpec.parse(EMBEDDING);
    assertThat(spec.inputSize()).isEqualTo(4);
    assertThat(spec.outputSize()).isEqualTo(2);
    assertThat(spec.embeddingIndices()).isEqualTo(5);
    assertThat(NetworkSpec.parse(spec.toJson())).isEqualTo(spec);
    Sequential net = spec.build(1);
    assertThat(net.stateDict().keySet()).containsExactly("0.weight", "2.weight", "2.bias");
    assertThat(net.stateDict().get("0.weight").shape()).containsExactly(5, 3);
    assertThat(net.get(0).toString()).isEqualTo("Embedding(5, 3)");
  }

  @Test
  void replicaReshapesFlatRowsAndLooksUpIndices() {
    NetworkSpec spec = NetworkSpec.parse(EMBEDDING);
    Replica r = new Replica(spec, Device.CPU);
    float[] w = Replica.flatWeights(spec.build(2));
    r.setWeights(w);
    Tensor table = spec.build(2).stateDict().get("0.weight");
    try (NoGrad ng = NoGrad.enter()) {
      Tensor y = r.forwardEval(Tensor.of(new float[] {0, 4, 1, 1, 2, 3, 0, 4}, 2, 4));
      assertThat(y.shape()).containsExactly(2, 2);
      // the same rows through the engine's modules, with int64 indices
      Sequential net = spec.build(2);
      Tensor emb = table.indexSelect(0, Tensor.ofLongs(new long[] {0, 4, 1, 1, 2, 3, 0, 4}, 8));
      Tensor expected = net.get(2).forward(emb.reshape(2, 12));
      assertThat(y.toFloatArray()).containsExactly(expected.toFloatArray());
    }
    assertThatThrownBy(() -> r.forwardEval(Tensor.of(new float[] {0, 1, 2, 3, 0, 5, 2, 1}, 2, 4)))
        .hasMessage(
            "embedding: the features of batch row 1 have 5.0, not an integer index in [0, 5)"
                + " at column 1");
    assertThatThrownBy(() -> r.forwardEval(Tensor.of(new float[] {0, 1.5f, 2, 3}, 1, 4)))
        .hasMessageContaining("1.5, not an integer index in [0, 5) at column 1");
  }

  @Test
  void replicaOfTheCnnComputesWhatTheModulesDoOnImages() {
    NetworkSpec spec = NetworkSpec.parse(CNN);
    Replica r = new Replica(spec, Device.CPU);
    r.setWeights(Replica.flatWeights(spec.build(5)));
    Tensor x = Tensor.randn(new Generator(4), 2, 36);
    try (NoGrad ng = NoGrad.enter()) {
      Tensor y = r.forwardEval(x);
      Tensor expected = spec.build(5).forward(x.reshape(2, 1, 6, 6));
      assertThat(y.shape()).containsExactly(2, 3);
      assertThat(y.toFloatArray()).containsExactly(expected.toFloatArray());
    }
  }

  /** Central differences against autograd through the spec's network, input and parameters. */
  static void gradcheck(Module net, Tensor input) {
    net.to(DType.FLOAT64);
    Map<String, Tensor> params = net.namedParameters();
    String[] names = params.keySet().toArray(new String[0]);
    Generator gen = new Generator(11);
    Tensor[] args = new Tensor[names.length + 1];
    args[0] = input;
    for (int i = 0; i < names.length; i++) {
      args[i + 1] =
          Tensor.randn(gen, params.get(names[i]).shape()).to(DType.FLOAT64).requiresGrad(true);
    }
    Function<Tensor[], Tensor> f =
        a -> {
          for (int i = 0; i < names.length; i++) {
            int dot = names[i].lastIndexOf('.');
            net.getSubmodule(names[i].substring(0, dot))
                .registerParameter(names[i].substring(dot + 1), a[i + 1]);
          }
          return net.forward(a[0]);
        };
    GradCheck.check(f, args);
  }

  @Test
  void gradcheckThroughTheCnnSpec() {
    NetworkSpec spec = NetworkSpec.parse(CNN.replace("\"relu\"", "\"tanh\""));
    Tensor x = Tensor.randn(new Generator(2), 2, 1, 6, 6).to(DType.FLOAT64).requiresGrad(true);
    gradcheck(spec.build(1), x);
  }

  @Test
  void gradcheckThroughTheEmbeddingSpec() {
    NetworkSpec spec = NetworkSpec.parse(EMBEDDING);
    Tensor indices = Tensor.of(new double[] {0, 4, 1, 1, 2, 3, 0, 4}, 2, 4); // a repeated index too
    gradcheck(spec.build(1), indices);
  }

  @Test
  void shapesThatDoNotChainNameTheLayerAndSizes() {
    String conv =
        "{\"type\": \"conv2d\", \"in_channels\": 2, \"out_channels\": 4, \"kernel_size\": 3}";
    String lin = "{\"type\": \"linear\", \"in_features\": 10, \"out_features\": 2}";
    assertThatThrownBy(() -> NetworkSpec.parse("{\"layers\": [" + conv + ", " + lin + "]}"))
        .hasMessage(
            "network layer 0 (conv2d) needs the shape of a row: set the inputShape param (for"
                + " example [1, 28, 28] for 28x28 images of one channel)");
    List<LayerSpec> layers = NetworkSpec.parseLayers("{\"layers\": [" + conv + ", " + lin + "]}");
    assertThatThrownBy(() -> new NetworkSpec(layers, new int[] {1, 5, 5}))
        .hasMessage(
            "network layer 0 (conv2d) needs rows of shape [2, H, W] (in_channels=2) but the"
                + " inputShape param gives [1, 5, 5]");
    assertThatThrownBy(() -> new NetworkSpec(layers, new int[] {2, 5, 5}))
        .hasMessage(
            "network layer 1 (linear) has in_features=10 but the layer before it outputs"
                + " [4, 3, 3]");
    assertThatThrownBy(() -> new NetworkSpec(layers, new int[] {2, 2, 5}))
        .hasMessage(
            "network layer 0 (conv2d) has kernel_size=3, larger than the padded input: the"
                + " inputShape param gives [2, 2, 5] with padding=0");
    List<LayerSpec> flat =
        List.of(new LayerSpec.Linear(3, 4, true), new PoolSpec("max_pool2d", 2, 2, 0));
    assertThatThrownBy(() -> new NetworkSpec(flat))
        .hasMessage(
            "network layer 1 (max_pool2d) needs rows of shape [C, H, W] but the layer before it"
                + " outputs 4");
    List<LayerSpec> noFlatten =
        List.of(new Conv2dSpec(1, 2, 1, 1, 0, true), new LayerSpec.Linear(4, 3, true));
    assertThatThrownBy(() -> new NetworkSpec(noFlatten, new int[] {1, 4, 4}))
        .hasMessage(
            "network: the last layer outputs [2, 4, 3] per row; the network must output a vector"
                + " per row (end with flatten and linear)");
    List<LayerSpec> lateEmbedding =
        List.of(new LayerSpec.Linear(3, 4, true), new EmbeddingSpec(4, 2));
    assertThatThrownBy(() -> new NetworkSpec(lateEmbedding))
        .hasMessage(
            "network layer 1 (embedding) must be the first layer: it reads the features as"
                + " indices");
    assertThatThrownBy(
            () ->
                NetworkSpec.parse(
                    "{\"layers\": [{\"type\": \"avg_pool2d\", \"kernel_size\": 2, \"padding\":"
                        + " 2}]}"))
        .hasMessage(
            "network layer 0: avg_pool2d padding must be in [0, kernel_size / 2] = [0, 1], got 2");
    assertThatThrownBy(
            () ->
                NetworkSpec.parse(
                    "{\"layers\": [{\"type\": \"embedding\", \"num_embeddings\": 0,"
                        + " \"embedding_dim\": 2}]}"))
        .hasMessage(
            "network layer 0: embedding num_embeddings and embedding_dim must be > 0, got 0, 2");
    assertThatThrownBy(() -> NetworkSpec.parse("{\"input_shape\": [1, 0], \"layers\": []}"))
        .hasMessage("network JSON \"input_shape\" must hold sizes > 0, got [1, 0]");
  }
}
