package org.sparkgrad.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkgrad.nn.BatchNorm1d;
import org.sparkgrad.nn.BatchNorm2d;
import org.sparkgrad.nn.Sequential;
import org.sparkgrad.tensor.DType;
import org.sparkgrad.tensor.Generator;
import org.sparkgrad.tensor.Tensor;

/** The {@code batch_norm1d} and {@code batch_norm2d} layers of a network spec. */
class BatchNormSpecTest {
  /** [1,6,6] -conv(p1)-> [4,6,6] -bn2d-> -relu-> -avg2-> [4,3,3] -> 36 -> 5 -bn1d-> -> 2. */
  static final String CNN =
      "{\"input_shape\": [1, 6, 6], \"layers\": ["
          + "{\"type\": \"conv2d\", \"in_channels\": 1, \"out_channels\": 4, \"kernel_size\": 3,"
          + " \"padding\": 1},"
          + " {\"type\": \"batch_norm2d\", \"num_features\": 4},"
          + " {\"type\": \"relu\"},"
          + " {\"type\": \"avg_pool2d\", \"kernel_size\": 2},"
          + " {\"type\": \"flatten\"},"
          + " {\"type\": \"linear\", \"in_features\": 36, \"out_features\": 5},"
          + " {\"type\": \"batch_norm1d\", \"num_features\": 5},"
          + " {\"type\": \"linear\", \"in_features\": 5, \"out_features\": 2}]}";

  @Test
  void parsesWithPyTorchsDefaultsRoundTripsAndNamesTheStateDictAsPyTorch() {
    NetworkSpec spec = NetworkSpec.parse(CNN);
    assertThat(spec.inputSize()).isEqualTo(36);
    assertThat(spec.outputSize()).isEqualTo(2);
    assertThat(spec.layers().get(1))
        .isEqualTo(new BatchNormSpec("batch_norm2d", 4, 1e-5, 0.1, true, true))
        .isEqualTo(BatchNormSpec.of("batch_norm2d", 4));
    assertThat(spec.layers().get(6)).isEqualTo(BatchNormSpec.of("batch_norm1d", 5));
    assertThat(spec.toJson())
        .contains(
            "{\"type\":\"batch_norm2d\",\"num_features\":4,\"eps\":1.0E-5,\"momentum\":0.1,"
                + "\"affine\":true,\"track_running_stats\":true}");
    assertThat(NetworkSpec.parse(spec.toJson())).isEqualTo(spec);
    Sequential net = spec.build(7);
    assertThat(net.get(1)).isInstanceOf(BatchNorm2d.class);
    assertThat(net.get(6)).isInstanceOf(BatchNorm1d.class);
    assertThat(net.get(1).toString())
        .isEqualTo(
            "BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
    // PyTorch 1.13's nn.Sequential of the same layers (golden/nn/gen_nn.py, "cnn_bn_keys").
    assertThat(net.stateDict().keySet())
        .containsExactly(
            "0.weight",
            "0.bias",
            "1.weight",
            "1.bias",
            "1.running_mean",
            "1.running_var",
            "1.num_batches_tracked",
            "5.weight",
            "5.bias",
            "6.weight",
            "6.bias",
            "6.running_mean",
            "6.running_var",
            "6.num_batches_tracked",
            "7.weight",
            "7.bias");
    assertThat(net.stateDict().get("6.running_var").toFloatArray())
        .containsExactly(1f, 1f, 1f, 1f, 1f);
    assertThat(net.stateDict().get("1.num_batches_tracked").dtype()).isEqualTo(DType.INT64);
  }

  @Test
  void everyArgumentAsPyTorchNamesItIncludingANullMomentum() {
    String json =
        "{\"input_shape\": [3, 4], \"layers\": [{\"type\": \"batch_norm1d\", \"num_features\": 3,"
            + " \"eps\": 0.001, \"momentum\": null, \"affine\": false, \"track_running_stats\":"
            + " false}, {\"type\": \"flatten\"},"
            + " {\"type\": \"linear\", \"in_features\": 12, \"out_features\": 2}]}";
    NetworkSpec spec = NetworkSpec.parse(json);
    assertThat(spec.layers().get(0))
        .isEqualTo(new BatchNormSpec("batch_norm1d", 3, 1e-3, null, false, false));
    assertThat(spec.toJson()).contains("\"momentum\":null");
    assertThat(NetworkSpec.parse(spec.toJson())).isEqualTo(spec);
    Sequential net = spec.build(1);
    assertThat(net.get(0).toString())
        .isEqualTo(
            "BatchNorm1d(3, eps=0.001, momentum=None, affine=False, track_running_stats=False)");
    assertThat(net.stateDict().keySet()).containsExactly("2.weight", "2.bias");
    // a flat row's width is the first batch_norm1d's num_features when no input shape is given
    NetworkSpec flat =
        NetworkSpec.parse(
            "{\"layers\": [{\"type\": \"batch_norm1d\", \"num_features\": 3, \"momentum\": 0.5},"
                + " {\"type\": \"linear\", \"in_features\": 3, \"out_features\": 2}]}");
    assertThat(flat.inputSize()).isEqualTo(3);
    assertThat(((BatchNormSpec) flat.layers().get(0)).momentum()).isEqualTo(0.5);
  }

  @Test
  void badArgumentsAndShapesNameTheLayer() {
    List<LayerSpec> layers =
        NetworkSpec.parseLayers(CNN.replace("\"num_features\": 4", "\"num_features\": 3"));
    assertThatThrownBy(() -> new NetworkSpec(layers, new int[] {1, 6, 6}))
        .hasMessage(
            "network layer 1 (batch_norm2d) needs rows of shape [3, H, W] (num_features=3) but"
                + " the layer before it outputs [4, 6, 6]");
    assertThatThrownBy(
            () -> NetworkSpec.parse(CNN.replace("\"num_features\": 5", "\"num_features\": 6")))
        .hasMessage(
            "network layer 6 (batch_norm1d) needs rows of shape [6] or [6, L] (num_features=6) but"
                + " the layer before it outputs 5");
    assertThatThrownBy(
            () -> NetworkSpec.parse(CNN.replace("\"batch_norm2d\",", "\"batch_norm1d\",")))
        .hasMessage(
            "network layer 1 (batch_norm1d) needs rows of shape [4] or [4, L] (num_features=4) but"
                + " the layer before it outputs [4, 6, 6]");
    assertThatThrownBy(
            () ->
                NetworkSpec.parseLayers(
                    "{\"layers\": [{\"type\": \"batch_norm1d\", \"num_features\": 3,"
                        + " \"momentum\": 1.5}]}"))
        .hasMessage("network layer 0: batch_norm1d momentum must be in [0, 1] or null, got 1.5");
    assertThatThrownBy(
            () ->
                NetworkSpec.parseLayers(
                    "{\"layers\": [{\"type\": \"batch_norm2d\", \"num_features\": 0}]}"))
        .hasMessage("network layer 0: batch_norm2d num_features must be > 0, got 0");
    assertThatThrownBy(
            () ->
                NetworkSpec.parseLayers(
                    "{\"layers\": [{\"type\": \"batch_norm2d\", \"num_features\": 2,"
                        + " \"affine\": 1}]}"))
        .hasMessage("network layer 0 needs a boolean \"affine\", got 1");
    assertThatThrownBy(
            () ->
                NetworkSpec.parseLayers(
                    "{\"layers\": [{\"type\": \"batch_norm2d\", \"num_features\": 2,"
                        + " \"dims\": 2}]}"))
        .hasMessage(
            "network layer 0 has unknown key \"dims\"; allowed: [affine, eps, momentum,"
                + " num_features, track_running_stats, type]");
  }

  @Test
  void gradcheckThroughBothLayersInTrainingMode() {
    NetworkSpec spec = NetworkSpec.parse(CNN.replace("\"relu\"", "\"tanh\""));
    Tensor x = Tensor.randn(new Generator(3), 3, 1, 6, 6).to(DType.FLOAT64).requiresGrad(true);
    Sequential net = spec.build(2);
    net.train();
    NetworkLayersTest.gradcheck(net, x);
    // batch_norm1d over [C, L] rows
    NetworkSpec seq =
        NetworkSpec.parse(
            "{\"input_shape\": [2, 3], \"layers\": [{\"type\": \"batch_norm1d\","
                + " \"num_features\": 2, \"momentum\": null}, {\"type\": \"flatten\"},"
                + " {\"type\": \"linear\", \"in_features\": 6, \"out_features\": 2}]}");
    Tensor y = Tensor.randn(new Generator(4), 4, 2, 3).to(DType.FLOAT64).requiresGrad(true);
    NetworkLayersTest.gradcheck(seq.build(5), y);
  }

  @Test
  void aSpecOrModuleWithBatchNormSumsItsStatisticsAcrossPartitions() {
    assertThat(NetworkSpec.parse(CNN).batchStatistics()).isTrue();
    assertThat(NetworkSpec.parse(NetworkLayersTest.CNN).batchStatistics()).isFalse();
    // a user module's batch norm, nested one level down, is found too
    ModuleBuilder nested =
        gen ->
            new Sequential(
                new Sequential(new org.sparkgrad.nn.Linear(4, 3, gen), new BatchNorm1d(3)),
                new org.sparkgrad.nn.Linear(3, 2, gen));
    assertThat(NetworkSpec.ofModule(UserModule.of(nested, "moduleFactory"), null, 4, 2))
        .returns(true, NetworkSpec::batchStatistics);
    ModuleBuilder plain = gen -> new Sequential(new org.sparkgrad.nn.Linear(4, 2, gen));
    assertThat(NetworkSpec.ofModule(UserModule.of(plain, "moduleFactory"), null, 4, 2))
        .returns(false, NetworkSpec::batchStatistics);
  }
}
