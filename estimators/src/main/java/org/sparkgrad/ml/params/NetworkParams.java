package org.sparkgrad.ml.params;

import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.Param;
import org.sparkgrad.ml.train.NetworkSpec;

/**
 * The network given by params: the simple one ({@code hiddenLayers}, {@code activation}, {@code
 * dropout}: {@code Linear} layers of those sizes, each followed by the activation and, if {@code
 * dropout > 0}, {@code Dropout}, then an output {@code Linear}) or any {@code Sequential} described
 * by {@code network}, and the shape rows are reshaped to ({@code inputShape}). The input and output
 * sizes come from the data.
 */
public interface NetworkParams extends HasParamSet {
  ParamDecl<IntArrayParam> HIDDEN_LAYERS =
      sizes(
          "hiddenLayers",
          "sizes of the hidden Linear layers of the simple network (%s; empty: a linear model);"
              + " ignored when network is set",
          new int[] {64});

  ParamDecl<Param<String>> ACTIVATION =
      ParamDecl.choice(
          "activation", "activation after each hidden layer", NetworkSpec.ACTIVATIONS, "relu");

  ParamDecl<DoubleParam> DROPOUT =
      ParamDecl.number(
          "dropout",
          "dropout probability after each hidden activation",
          ParamCheck.doubleInHalfOpen("dropout", 0, 1),
          0.0);

  ParamDecl<Param<String>> NETWORK =
      ParamDecl.of(
          "network",
          "JSON description of a Sequential network ({\"layers\": [{\"type\": \"linear\","
              + " \"in_features\": 4, \"out_features\": 16}, {\"type\": \"relu\"}, ...]});"
              + " empty: build the simple network from hiddenLayers, activation and dropout;"
              + " malformed JSON or an unknown layer fails when set",
          (o, n, d) -> new Param<>(o, n, d, new NetworkCheck()),
          "");

  ParamDecl<IntArrayParam> INPUT_SHAPE =
      sizes(
          "inputShape",
          "shape each row's flat features are reshaped to (row-major) before the network's"
              + " first layer, for example [1, 28, 28] for 28x28 images of one channel (%s; its"
              + " product must be the features size; empty: flat rows); needs network,"
              + " moduleFactory or moduleClass",
          new int[0]);

  /** The declarations of this group. */
  List<ParamDecl<?>> DECLARED = List.of(HIDDEN_LAYERS, ACTIVATION, DROPOUT, NETWORK, INPUT_SHAPE);

  /** An array of sizes > 0; {@code doc} has a {@code %s} where the rule goes. */
  private static ParamDecl<IntArrayParam> sizes(String name, String doc, int[] defaultValue) {
    ParamCheck<int[]> check = ParamCheck.allPositive(name);
    return ParamDecl.of(
        name,
        String.format(doc, check.rule()),
        (o, n, d) -> new IntArrayParam(o, n, d, check),
        defaultValue);
  }

  /** Param for the hidden layer sizes of the simple network. */
  default IntArrayParam hiddenLayers() {
    return paramSet().get(HIDDEN_LAYERS);
  }

  /** Returns the hidden layer sizes of the simple network. */
  default int[] getHiddenLayers() {
    return getOrDefault(hiddenLayers()).clone();
  }

  /** Param for the activation of the simple network. */
  default Param<String> activation() {
    return paramSet().get(ACTIVATION);
  }

  /** Returns the activation of the simple network. */
  default String getActivation() {
    return getOrDefault(activation());
  }

  /** Param for the dropout probability of the simple network. */
  default DoubleParam dropout() {
    return paramSet().get(DROPOUT);
  }

  /** Returns the dropout probability of the simple network. */
  default double getDropout() {
    return (Double) getOrDefault(dropout());
  }

  /** Param for the JSON network description; empty for the simple network. */
  default Param<String> network() {
    return paramSet().get(NETWORK);
  }

  /** Returns the JSON network description; empty for the simple network. */
  default String getNetwork() {
    return getOrDefault(network());
  }

  /**
   * Param for the shape each row's flat features are reshaped to before the network's first layer,
   * row-major (for example {@code [1, 28, 28]} for 28x28 images of one channel); empty for flat
   * rows.
   */
  default IntArrayParam inputShape() {
    return paramSet().get(INPUT_SHAPE);
  }

  /** Returns the shape rows are reshaped to; empty for flat rows. */
  default int[] getInputShape() {
    return getOrDefault(inputShape()).clone();
  }
}
