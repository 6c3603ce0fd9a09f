package org.sparkgrad.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkgrad.io.StateDict;
import org.sparkgrad.ml.io.ModelFiles;
import org.sparkgrad.ml.train.NetworkSpec;
import org.sparkgrad.ml.train.Replica;
import org.sparkgrad.nn.Module;
import org.sparkgrad.tensor.Tensor;

/**
 * The warm-start weights of a fit: those of the estimator's initial model, or those read from
 * {@code initialWeightsPath} (a saved model folder, or a safetensors state dict), checked against
 * the network the fit builds.
 */
final class WarmStart {
  private WarmStart() {}

  /**
   * The buffers (batch norm's running statistics, flat in state-dict order) that go with {@link
   * #weights}: the initial model's, or those of the state dict at {@code initialWeightsPath}; null
   * for a new network's. Call after {@link #weights}, which checks both sources.
   */
  static float[] buffers(
      NeuralNetParams p, NeuralNetModel<?> model, NetworkSpec spec, Configuration conf) {
    if (model != null) {
      return model.buffers();
    }
    String path = p.getInitialWeightsPath();
    if (path.isEmpty() || !spec.batchStatistics()) {
      return null;
    }
    Module net = spec.module(0);
    net.loadStateDict(read(new Path(path), conf));
    return Replica.flatBuffers(net);
  }

  /**
   * The flat initial weights, or null for weights drawn from the seed.
   *
   * @throws IllegalArgumentException if both sources are given, the path is missing or damaged, or
   *     the weights do not fit {@code spec}, naming the parameter shapes
   */
  static float[] weights(
      NeuralNetParams p, NeuralNetModel<?> model, NetworkSpec spec, Configuration conf) {
    String path = p.getInitialWeightsPath();
    if (model != null && !path.isEmpty()) {
      throw new IllegalArgumentException(
          "both an initial model and initialWeightsPath '"
              + path
              + "' are set; set one of them, not both");
    }
    if (model != null) {
      if (!model.networkSpec().equals(spec)) {
        throw new IllegalArgumentException(
            "the initial model's network does not match this fit's: the initial model has "
                + shapes(model.stateDict())
                + ", this fit's network has "
                + shapes(spec.module(0).stateDict())
                + " (network "
                + spec.toJson()
                + ")");
      }
      return model.weights();
    }
    if (path.isEmpty()) {
      return null;
    }
    Map<String, Tensor> state = read(new Path(path), conf);
    Module net = spec.module(0);
    try {
      net.loadStateDict(state);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "initialWeightsPath '"
              + path
              + "' does not fit this fit's network: it has "
              + shapes(state)
              + ", this fit's network has "
              + shapes(net.stateDict())
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
    return Replica.flatWeights(net);
  }

  private static Map<String, Tensor> read(Path path, Configuration conf) {
    String what = "initialWeightsPath '" + path + "'";
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        throw new IllegalArgumentException(what + " does not exist");
      }
      Path file = path;
      if (fs.getFileStatus(path).isDirectory()) {
        file = new Path(path, ModelFiles.WEIGHTS);
        if (!fs.exists(file)) {
          throw new IllegalArgumentException(
              what
                  + " is a folder without "
                  + ModelFiles.WEIGHTS
                  + "; give a folder saved by model.write().save(path) or a .safetensors file");
        }
      }
      try (InputStream in = fs.open(file)) {
        return StateDict.read(in.readAllBytes(), file.toString());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            what + ": " + file + " is not a valid safetensors file: " + e.getMessage(), e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what + ": " + e, e);
    }
  }

  /** The parameter shapes of a state dict: {@code {0.weight=[16, 4], 0.bias=[16]}}. */
  static String shapes(Map<String, Tensor> state) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : state.entrySet()) {
      out.put(e.getKey(), java.util.Arrays.toString(e.getValue().shape()));
    }
    return out.toString();
  }
}
