package org.sparkgrad.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkgrad.ml.data.DataPreparation;
import org.sparkgrad.ml.data.InputColumn;
import org.sparkgrad.ml.train.EmbeddingSpec;
import org.sparkgrad.ml.train.LayerSpec;
import org.sparkgrad.ml.train.NetworkInput;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.UserModule;

/**
 * The network a fit was given by the {@code network} (or {@code moduleFactory}, {@code
 * moduleClass}) and {@code inputShape} params, checked against itself before the data is read and
 * against the data's sizes once they are known.
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
   * The param that gives the network ({@code network}, {@code moduleFactory} or {@code
   * moduleClass}), or null for the simple network.
   *
   * @throws IllegalArgumentException naming both params when more than one is set
   */
  static String source(NeuralNetParams p) {
    List<String> set = new ArrayList<>();
    if (!p.getNetwork().isEmpty()) {
      set.add("network");
    }
    if (p.isSet(p.moduleFactory())) {
      set.add("moduleFactory");
    }
    if (!p.getModuleClass().isEmpty()) {
      set.add("moduleClass");
    }
    if (set.size() > 1) {
      throw new IllegalArgumentException(
          "both "
              + set.get(0)
              + " and "
              + set.get(1)
              + " are set; they are alternative ways to give the network, so set only one");
    }
    return set.isEmpty() ? null : set.get(0);
  }

  /**
   * The network of the {@code network} param, or the user's module of {@code moduleFactory} or
   * {@code moduleClass}, with rows reshaped to {@code inputShape}, checked against the features and
   * labels; or null for the simple network.
   *
   * @throws IllegalArgumentException if more than one of those params is set; if {@code inputShape}
   *     is set without any of them, differs from the network JSON's own {@code input_shape}, or
   *     does not hold the features size; if the layers' shapes do not chain or the module fails on
   *     a row; or if the sizes do not fit the columns
   */
  static NetworkSpec given(NeuralNetParams p, DataPreparation.Inspection ins) {
    String source = source(p);
    if (p.getFeaturesCols().length > 0) {
      return severalInputs(p, ins, source);
    }
    int[] shape = p.getInputShape();
    if (source == null) {
      if (shape.length > 0) {
        throw new IllegalArgumentException(
            "inputShape is "
                + Arrays.toString(shape)
                + " but network is not set: the simple network (hiddenLayers) takes flat rows;"
                + " set network (for example conv2d layers), moduleFactory or moduleClass, or"
                + " clear inputShape");
      }
      return null;
    }
    if (!source.equals("network")) {
      return userModule(p, ins, source);
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
    if (rowShape == null && isImage(ins) && needsShape(layers)) {
      rowShape = ins.featuresShape();
    }
    if (rowShape != null) {
      checkShape(
          rowShape, shape.length > 0 ? "inputShape " : "the network JSON's input_shape ", p, ins);
    }
    NetworkSpec spec = new NetworkSpec(layers, rowShape);
    checkSizes(spec, p, ins, "network");
    return spec;
  }

  /**
   * The user's module of {@code source} (moduleFactory or moduleClass), sized by a forward pass.
   */
  private static NetworkSpec userModule(
      NeuralNetParams p, DataPreparation.Inspection ins, String source) {
    ModuleFactory factory =
        source.equals("moduleFactory")
            ? p.getModuleFactory()
            : ModuleFactories.instantiate(p.getModuleClass(), "moduleClass");
    int[] shape = p.getInputShape();
    if (shape.length > 0) {
      checkShape(shape, "inputShape ", p, ins);
    } else if (isImage(ins)) {
      shape = ins.featuresShape();
    }
    String what = source + " " + factory.getClass().getName();
    NetworkSpec spec =
        ModuleFactories.measure(UserModule.of(factory, source), shape, ins.numFeatures(), what);
    checkSizes(spec, p, ins, what);
    return spec;
  }

  /**
   * The user's module of {@code source} over several feature columns, one input tensor each, sized
   * by a forward pass, with the index limits of its index inputs.
   */
  private static NetworkSpec severalInputs(
      NeuralNetParams p, DataPreparation.Inspection ins, String source) {
    if (source == null || source.equals("network")) {
      throw new IllegalArgumentException(
          "featuresCols is set but "
              + (source == null
                  ? "the network is the simple one"
                  : "the network param is a Sequential")
              + ", which takes one features vector: give a module whose forward takes one tensor"
              + " per column (moduleFactory or moduleClass), or use featuresCol");
    }
    if (p.getInputShape().length > 0) {
      throw new IllegalArgumentException(
          "inputShape is "
              + Arrays.toString(p.getInputShape())
              + " but featuresCols is set: each feature column keeps its own shape (a vector's"
              + " [size], an image's [C, H, W]); clear inputShape");
    }
    ModuleFactory factory =
        source.equals("moduleFactory")
            ? p.getModuleFactory()
            : ModuleFactories.instantiate(p.getModuleClass(), "moduleClass");
    List<NetworkInput> inputs = new ArrayList<>();
    for (InputColumn c : ins.inputs()) {
      inputs.add(new NetworkInput(c.kind() == InputColumn.Kind.INDEX, c.shape(), 0));
    }
    String what = source + " " + factory.getClass().getName();
    NetworkSpec spec = ModuleFactories.measureInputs(UserModule.of(factory, source), inputs, what);
    checkSizes(spec, p, ins, what);
    return spec;
  }

  /**
   * {@code ins} with the index limits {@code spec}'s module sets on its index inputs, so that the
   * data side rejects an index the module would refuse, naming its row and column.
   */
  static DataPreparation.Inspection withIndexLimits(
      DataPreparation.Inspection ins, NetworkSpec spec) {
    if (spec == null || spec.inputs().isEmpty()) {
      return ins;
    }
    List<InputColumn> out = new ArrayList<>();
    for (int i = 0; i < ins.inputs().size(); i++) {
      InputColumn c = ins.inputs().get(i);
      out.add(
          new InputColumn(
              c.column(), c.kind(), c.shape(), c.sizeOrigin(), spec.inputs().get(i).indexLimit()));
    }
    return ins.withInputs(out);
  }

  private static boolean isImage(DataPreparation.Inspection ins) {
    return ins.inputs().size() == 1 && ins.inputs().get(0).kind() == InputColumn.Kind.IMAGE;
  }

  /** True if the first layer that cares about shapes needs a row shape (conv2d, pooling). */
  private static boolean needsShape(List<LayerSpec> layers) {
    for (LayerSpec l : layers) {
      if (!l.anyShape()) {
        return l.impliedInput() == null;
      }
    }
    return false;
  }

  private static void checkShape(
      int[] rowShape, String name, NeuralNetParams p, DataPreparation.Inspection ins) {
    long values = 1;
    for (int d : rowShape) {
      values *= d;
    }
    if (values != ins.numFeatures()) {
      throw new IllegalArgumentException(
          name
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

  /**
   * Checks {@code spec}'s input against the features and its output against the labels.
   *
   * @throws IllegalArgumentException naming the param, the column and both sizes
   */
  private static void checkSizes(
      NetworkSpec spec, NeuralNetParams p, DataPreparation.Inspection ins, String what) {
    String last = spec.userModule() == null ? "the last layer" : "the module";
    if (spec.inputSize() != ins.numFeatures()) {
      throw new IllegalArgumentException(
          what
              + ": the first layer takes "
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
    // bce_with_logits takes one logit per label value, as a regressor takes one output per value.
    boolean perLabelValue = !classifier || p.getLoss().equals("bce_with_logits");
    if (ins.labelDim() != spec.outputSize() && perLabelValue) {
      throw new IllegalArgumentException(
          what
              + ": "
              + last
              + " outputs "
              + spec.outputSize()
              + " values, but column '"
              + p.getLabelCol()
              + "' has "
              + ins.labelDim()
              + " label value(s) per row");
    }
    if (classifier && !perLabelValue && spec.outputSize() < 2) {
      throw new IllegalArgumentException(
          what
              + ": a classifier's "
              + (spec.userModule() == null ? "last layer" : "module")
              + " must output at least 2 class scores, got "
              + spec.outputSize());
    }
  }
}
