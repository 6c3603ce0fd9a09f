package org.sparkgrad.ml;

import java.util.Arrays;
import java.util.List;
import org.sparkgrad.ml.data.DataPreparation;
import org.sparkgrad.ml.train.EmbeddingSpec;
import org.sparkgrad.ml.train.LayerSpec;
import org.sparkgrad.ml.train.NetworkSpec;

/**
 * The network a fit was given by the {@code network} and {@code inputShape} params, checked against
 * itself before the data is read and against the data's sizes once they are known.
 */
final class FitNetwork {
  private FitNetwork() {}

  /**
   * The {@code num_embeddings} of the network param's first layer when it is an embedding (the
   * features must then be indices below it), else 0.
   */
  static int embeddingIndices(NeuralNetParams p) {
    if (p.getNetwork().isEmpty()) {
      return 0;
    }
    List<LayerSpec> layers = NetworkSpec.parseLayers(p.getNetwork());
    return !layers.isEmpty() && layers.get(0) instanceof EmbeddingSpec e ? e.numEmbeddings() : 0;
  }

  /**
   * The network of the {@code network} param with rows reshaped to {@code inputShape}, checked
   * against the features and labels, or null for the simple network.
   *
   * @throws IllegalArgumentException if {@code inputShape} is set without a network, differs from
   *     the network JSON's own {@code input_shape}, or does not hold the features size; if the
   *     layers' shapes do not chain; or if the sizes do not fit the columns
   */
  static NetworkSpec given(NeuralNetParams p, DataPreparation.Inspection ins) {
    int[] shape = p.getInputShape();
    if (p.getNetwork().isEmpty()) {
      if (shape.length > 0) {
        throw new IllegalArgumentException(
            "inputShape is "
                + Arrays.toString(shape)
                + " but network is not set: the simple network (hiddenLayers) takes flat rows;"
                + " set network (for example conv2d layers) or clear inputShape");
      }
      return null;
    }
    List<LayerSpec> layers = NetworkSpec.parseLayers(p.getNetwork());
    int[] own = NetworkSpec.parseInputShape(p.getNetwork());
    if (own != null && shape.length > 0 && !Arrays.equals(own, shape)) {
      throw new IllegalArgumentException(
          "inputShape is "
              + Arrays.toString(shape)
              + " but the network JSON's input_shape is "
              + Arrays.toString(own)
              + "; give one of them, or the same shape in both");
    }
    int[] rowShape = shape.length > 0 ? shape : own;
    if (rowShape != null) {
      long values = 1;
      for (int d : rowShape) {
        values *= d;
      }
      if (values != ins.numFeatures()) {
        throw new IllegalArgumentException(
            (shape.length > 0 ? "inputShape " : "the network JSON's input_shape ")
                + Arrays.toString(rowShape)
                + " holds "
                + values
                + " values per row, but column '"
                + p.getFeaturesCol()
                + "' has vectors of size "
                + ins.numFeatures()
                + " ("
                + ins.featuresOrigin()
                + ")");
      }
    }
    NetworkSpec spec = new NetworkSpec(layers, rowShape);
    checkSizes(spec, p, ins);
    return spec;
  }

  /**
   * Checks {@code spec}'s input against the features and its output against the labels.
   *
   * @throws IllegalArgumentException naming the param, the column and both sizes
   */
  private static void checkSizes(
      NetworkSpec spec, NeuralNetParams p, DataPreparation.Inspection ins) {
    if (spec.inputSize() != ins.numFeatures()) {
      throw new IllegalArgumentException(
          "network: the first layer takes "
              + spec.inputSize()
              + " inputs, but column '"
              + p.getFeaturesCol()
              + "' has vectors of size "
              + ins.numFeatures()
              + " ("
              + ins.featuresOrigin()
              + ")");
    }
    boolean classifier = p instanceof NeuralNetClassifierParams;
    if (ins.labelDim() != spec.outputSize() && !classifier) {
      throw new IllegalArgumentException(
          "network: the last layer outputs "
              + spec.outputSize()
              + " values, but column '"
              + p.getLabelCol()
              + "' has "
              + ins.labelDim()
              + " label value(s) per row");
    }
    if (classifier && spec.outputSize() < 2) {
      throw new IllegalArgumentException(
          "network: a classifier's last layer must output at least 2 class scores, got "
              + spec.outputSize());
    }
  }
}
