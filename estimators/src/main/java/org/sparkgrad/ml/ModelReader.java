package org.sparkgrad.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.sparkgrad.io.StateDict;
import org.sparkgrad.ml.io.ModelFiles;
import org.sparkgrad.ml.train.NetworkInput;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.ml.train.UserModule;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Tensor;
import org.sparkgrad.util.StrictJson;

/**
 * Loads a model saved by {@link ModelWriter}. Every way a folder can be wrong gets its own message:
 * a missing path, a folder that is not a saved model or holds another model class, a missing or
 * damaged file, weights that do not fit the network, or a format version newer than this one.
 *
 * @param <T> the model class
 */
public final class ModelReader<T extends NeuralNetModel<T>> extends MLReader<T> {
  /** Builds the model object from what was saved. */
  @FunctionalInterface
  public interface Factory<T> {
    /** A model with the saved uid, network, flat weights, flat buffers and output kind. */
    T create(String uid, NetworkSpec spec, float[] weights, float[] buffers, boolean vectorOutput);
  }

  private final Class<T> type;
  private final Factory<T> factory;

  /** A reader of {@code type}, built by {@code factory}. */
  public ModelReader(Class<T> type, Factory<T> factory) {
    this.type = type;
    this.factory = factory;
  }

  @Override
  public T load(String path) {
    String what = "cannot load a " + type.getSimpleName() + " from " + path;
    Path root = new Path(path);
    FileSystem fs = ModelFiles.fs(root, sc().hadoopConfiguration());
    try {
      if (!fs.exists(root)) {
        throw new IllegalArgumentException(what + ": the path does not exist");
      }
      if (!fs.exists(new Path(root, "metadata"))) {
        throw new IllegalArgumentException(
            what + ": it has no metadata/ folder, so it is not a saved Spark ML model");
      }
      DefaultParamsReader.Metadata md = DefaultParamsReader.loadMetadata(path, sparkSession(), "");
      if (!md.className().equals(type.getName())) {
        throw new IllegalArgumentException(
            what
                + ": it holds a "
                + md.className()
                + ", not a "
                + type.getName()
                + "; load it with that class");
      }
      Map<String, Object> json = readModelJson(fs, root, what);
      NetworkSpec spec = network(json, what);
      Module net = readStateDict(fs, new Path(root, ModelFiles.WEIGHTS), spec, what);
      T model =
          factory.create(
              md.uid(),
              spec,
              Replica.flatWeights(net),
              Replica.flatBuffers(net),
              Boolean.TRUE.equals(json.get("vectorOutput")));
      md.getAndSetParams(model, md.getAndSetParams$default$2());
      return model;
    } catch (IOException e) {
      throw new UncheckedIOException(what + ": " + e, e);
    }
  }

  /**
   * The saved network: a {@code Sequential} of layers, or a user's module rebuilt from its factory
   * class, which must still output what it did at fit.
   */
  private static NetworkSpec network(Map<String, Object> json, String what) {
    Map<String, Object> net = StrictJson.asObject(json.get("network"), "network");
    String invalid = what + ": " + ModelFiles.MODEL_JSON + " has an invalid network: ";
    if (!net.containsKey("module_class")) {
      try {
        return NetworkSpec.parse(StrictJson.write(net));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(invalid + e.getMessage(), e);
      }
    }
    if (!(net.get("module_class") instanceof String name)
        || !(net.get("input_size") instanceof Long inputSize)
        || !(net.get("output_size") instanceof Long outputSize)
        || inputSize < 1
        || inputSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          invalid + "module_class must be a string and input_size, output_size positive integers");
    }
    int[] shape = new int[0];
    if (net.get("input_shape") != null) {
      List<Object> dims = StrictJson.asList(net.get("input_shape"), "input_shape");
      shape = new int[dims.size()];
      for (int i = 0; i < shape.length; i++) {
        if (!(dims.get(i) instanceof Long d) || d < 1 || d > Integer.MAX_VALUE) {
          throw new IllegalArgumentException(invalid + "input_shape must hold positive integers");
        }
        shape[i] = d.intValue();
      }
    }
    ModuleFactory factory = ModuleFactories.instantiate(name, what);
    NetworkSpec spec =
        net.get("inputs") != null
            ? ModuleFactories.measureInputs(
                UserModule.of(factory, "module_class"),
                NetworkInput.parseAll(net.get("inputs"), invalid),
                what + ": module_class " + name)
            : ModuleFactories.measure(
                UserModule.of(factory, "module_class"),
                shape,
                inputSize.intValue(),
                what + ": module_class " + name);
    if (spec.outputSize() != outputSize) {
      throw new IllegalArgumentException(
          what
              + ": module_class "
              + name
              + " now builds a module that outputs "
              + spec.outputSize()
              + " values per row, but the saved model's outputs "
              + outputSize);
    }
    return spec;
  }

  private static Map<String, Object> readModelJson(FileSystem fs, Path root, String what)
      throws IOException {
    Path file = new Path(root, ModelFiles.MODEL_JSON);
    if (!fs.exists(file)) {
      throw new IllegalArgumentException(
          what + ": " + ModelFiles.MODEL_JSON + " is missing; the folder is damaged or incomplete");
    }
    Map<String, Object> json;
    try {
      json =
          StrictJson.parseObject(
              new String(ModelFiles.read(fs, file), java.nio.charset.StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          what + ": " + ModelFiles.MODEL_JSON + " is damaged: " + e.getMessage(), e);
    }
    if (!(json.get("formatVersion") instanceof Long version)) {
      throw new IllegalArgumentException(
          what + ": " + ModelFiles.MODEL_JSON + " has no integer formatVersion; it is damaged");
    }
    if (version > ModelFiles.FORMAT_VERSION) {
      throw new IllegalArgumentException(
          what
              + ": it was saved in format version "
              + version
              + ", newer than the version "
              + ModelFiles.FORMAT_VERSION
              + " this Sparkgrad reads; load it with a newer Sparkgrad");
    }
    if (version < 1) {
      throw new IllegalArgumentException(
          what
              + ": "
              + ModelFiles.MODEL_JSON
              + " has formatVersion "
              + version
              + "; it is damaged");
    }
    if (!(json.get("network") instanceof Map)) {
      throw new IllegalArgumentException(
          what + ": " + ModelFiles.MODEL_JSON + " has no network object; it is damaged");
    }
    return json;
  }

  /** The saved network with the state dict (weights and buffers) of {@code file} loaded. */
  private static Module readStateDict(FileSystem fs, Path file, NetworkSpec spec, String what)
      throws IOException {
    if (!fs.exists(file)) {
      throw new IllegalArgumentException(
          what + ": " + ModelFiles.WEIGHTS + " is missing; the folder is damaged or incomplete");
    }
    Map<String, Tensor> state;
    try {
      state = StateDict.read(ModelFiles.read(fs, file), file.toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          what + ": the weights file " + ModelFiles.WEIGHTS + " is damaged: " + e.getMessage(), e);
    }
    Module net = spec.module(0);
    try {
      net.loadStateDict(state);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          what
              + ": the weights in "
              + ModelFiles.WEIGHTS
              + " do not fit the saved network: "
              + e.getMessage(),
          e);
    }
    return net;
  }
}
