package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.Dropout;
import org.sparkgrad.nn.LayerNorm;
import org.sparkgrad.nn.Linear;
import org.sparkgrad.nn.ReLU;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.nn.Tanh;

class NetworkSpecTest {
  private static final String JSON =
      "{\"layers\": [{\"type\": \"linear\", \"in_features\": 4, \"out_features\": 8},"
          + " {\"type\": \"relu\"}, {\"type\": \"dropout\", \"p\": 0.25},"
          + " {\"type\": \"layer_norm\", \"normalized_shape\": 8},"
          + " {\"type\": \"linear\", \"in_features\": 8, \"out_features\": 3, \"bias\": false}]}";

  @Test
  void parsesBuildsAndRoundTrips() {
    NetworkSpec spec = NetworkSpec.parse(JSON);
    assertThat(spec.inputSize()).isEqualTo(4);
    assertThat(spec.outputSize()).isEqualTo(3);
    assertThat(spec.layers())
        .containsExactly(
            new LayerSpec.Linear(4, 8, true),
            new LayerSpec.Activation("relu"),
            new LayerSpec.Dropout(0.25),
            new LayerSpec.LayerNormSpec(8, 1e-5, true),
            new LayerSpec.Linear(8, 3, false));
    assertThat(NetworkSpec.parse(spec.toJson())).isEqualTo(spec);
    Sequential net = spec.build(7);
    assertThat(net.size()).isEqualTo(5);
    assertThat(net.get(0)).isInstanceOf(Linear.class);
    assertThat(net.get(1)).isInstanceOf(ReLU.class);
    assertThat(((Dropout) net.get(2)).p()).isEqualTo(0.25);
    assertThat(net.get(3)).isInstanceOf(LayerNorm.class);
    assertThat(((Linear) net.get(4)).bias()).isNull();
    assertThat(net.stateDict().keySet())
        .containsExactly("0.weight", "0.bias", "3.weight", "3.bias", "4.weight");
  }

  @Test
  void sameSeedSameWeightsOtherSeedOtherWeights() {
    NetworkSpec spec = NetworkSpec.parse(JSON);
    float[] a = Replica.flatWeights(spec.build(7));
    assertThat(Replica.flatWeights(spec.build(7))).containsExactly(a);
    assertThat(Replica.flatWeights(spec.build(8))).isNotEqualTo(a);
    // Linear(4, 8) draws from U(-1/2, 1/2) as PyTorch's default initialisation.
    for (int i = 0; i < 32; i++) {
      assertThat(Math.abs(a[i])).isLessThanOrEqualTo(0.5f);
    }
  }

  @Test
  void simpleNetworkHasHiddenLayersActivationsAndDropout() {
    NetworkSpec spec = NetworkSpec.simple(5, new int[] {16, 8}, "tanh", 0.1, 2);
    assertThat(spec.layers())
        .containsExactly(
            new LayerSpec.Linear(5, 16, true),
            new LayerSpec.Activation("tanh"),
            new LayerSpec.Dropout(0.1),
            new LayerSpec.Linear(16, 8, true),
            new LayerSpec.Activation("tanh"),
            new LayerSpec.Dropout(0.1),
            new LayerSpec.Linear(8, 2, true));
    assertThat(spec.build(1).get(1)).isInstanceOf(Tanh.class);
    assertThat(NetworkSpec.simple(5, new int[0], "relu", 0, 1).layers())
        .containsExactly(new LayerSpec.Linear(5, 1, true));
  }

  @Test
  void malformedJsonSaysWhere() {
    assertThatThrownBy(() -> NetworkSpec.parse("{\"layers\": [}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("network JSON is malformed: invalid JSON at position 12");
  }

  @Test
  void badLayersNameTheLayerAndKey() {
    assertThatThrownBy(() -> NetworkSpec.parse("{\"layers\": [{\"type\": \"conv9d\"}]}"))
        .hasMessageStartingWith("network layer 0: unknown type 'conv9d'; expected one of [linear,");
    assertThatThrownBy(
            () -> NetworkSpec.parse("{\"layers\": [{\"type\": \"linear\", \"in_features\": 3}]}"))
        .hasMessage("network layer 0 needs an integer \"out_features\", got null");
    assertThatThrownBy(
            () ->
                NetworkSpec.parse(
                    "{\"layers\": [{\"type\": \"linear\", \"in_features\": 3,"
                        + " \"out_features\": 2, \"units\": 5}]}"))
        .hasMessage(
            "network layer 0 has unknown key \"units\"; allowed: [bias, in_features,"
                + " out_features, type]");
    assertThatThrownBy(
            () ->
                NetworkSpec.parse(
                    "{\"layers\": [{\"type\": \"linear\", \"in_features\": 3, \"out_features\":"
                        + " 4}, {\"type\": \"linear\", \"in_features\": 5, \"out_features\": 1}]}"))
        .hasMessage("network layer 1 (linear) has in_features=5 but the layer before it outputs 4");
    assertThatThrownBy(() -> NetworkSpec.parse("{\"layers\": [{\"type\": \"dropout\", \"p\": 1}]}"))
        .hasMessage("network layer 0: dropout p must be in [0, 1), got 1.0");
    assertThatThrownBy(() -> NetworkSpec.parse("{\"layers\": [{\"type\": \"relu\"}]}"))
        .hasMessage("network needs at least one linear layer");
    assertThatThrownBy(() -> NetworkSpec.parse("{\"layer\": []}"))
        .hasMessage("network JSON has unknown key \"layer\"; allowed: [input_shape, layers]");
    assertThatThrownBy(() -> NetworkSpec.parse("[1, 2]"))
        .hasMessageStartingWith("network JSON is malformed: ");
    assertThatThrownBy(() -> new NetworkSpec(List.of()))
        .hasMessage("network needs at least one linear layer");
  }
}
